/**
 * `sessionkit/messages`: flash messages, one-time notices shown on the next page, compatible with
 * Django's messages framework and its session storage (`MESSAGE_STORAGE =
 * 'django.contrib.messages.storage.session.SessionStorage'`). They live in the session under `_messages`,
 * so a message added in Node is shown by Django and the other way round.
 *
 * The functions here use Django's defaults (minimum level `INFO`, the default tags); `createMessages`
 * makes a set with other settings.
 *
 * @example
 * import * as messages from 'sessionkit/messages';
 *
 * app.post('/login', async (req, res) => {
 *   // ...check the password, then:
 *   await req.session.cycleKey();
 *   await messages.success(req.session, `Welcome back, ${name}.`);
 *   res.redirect('/');
 * });
 * app.get('/', async (req, res) => {
 *   const shown = await messages.getMessages(req.session); // removed from the session once read
 *   res.send(shown.map((m) => `<p class="${m.tags}">${escapeHtml(m.message)}</p>`).join(''));
 * });
 * @packageDocumentation
 */
import { createMessages, type Messages } from './create-messages.js';

export { type AddMessageOptions, createMessages, type Messages } from './create-messages.js';
export type { FlashMessage } from './flash-message.js';
export { DEBUG, DEFAULT_TAGS, ERROR, INFO, SUCCESS, WARNING } from './levels.js';
export type { MessagesOptions } from './options.js';
export type { MessagesSession, MessagesSessionAccess } from './session-access.js';
export { MESSAGES_SESSION_KEY } from './stored-message.js';

const defaults: Messages = createMessages();

/**
 * Django's `messages.add_message(request, level, message, extra_tags)`: stores a message for a later
 * request. Resolves whether it was stored (not for an empty text or a level below `INFO`).
 *
 * @example
 * await addMessage(req.session, WARNING, 'Your password expires tomorrow.', { extraTags: 'sticky' });
 */
export const addMessage: Messages['add'] = defaults.add;

/**
 * A `DEBUG` message (level 10). The default minimum level is `INFO`, so it is not stored unless
 * `setLevel` (or `createMessages({ level: DEBUG })`) lowers it.
 *
 * @example
 * await debug(req.session, 'Cache miss for the dashboard.');
 */
export const debug: Messages['debug'] = defaults.debug;

/**
 * An `INFO` message (level 20).
 *
 * @example
 * await info(req.session, 'You have 3 new notifications.');
 */
export const info: Messages['info'] = defaults.info;

/**
 * A `SUCCESS` message (level 25).
 *
 * @example
 * await success(req.session, 'Profile saved.');
 */
export const success: Messages['success'] = defaults.success;

/**
 * A `WARNING` message (level 30).
 *
 * @example
 * await warning(req.session, 'Your trial ends in 2 days.');
 */
export const warning: Messages['warning'] = defaults.warning;

/**
 * An `ERROR` message (level 40).
 *
 * @example
 * await error(req.session, 'The upload failed; try again.');
 */
export const error: Messages['error'] = defaults.error;

/**
 * The messages waiting in the session, oldest first, removed from it as Django does once they are read
 * (in the same request, reading again gives them again).
 *
 * @example
 * for (const m of await getMessages(req.session)) {
 *   html += `<li class="${m.tags}">${m.safe ? m.message : escapeHtml(m.message)}</li>`;
 * }
 */
export const getMessages: Messages['get'] = defaults.get;

/**
 * The messages waiting in the session, left there (Django's `len(messages)` or `{% if messages %}`).
 *
 * @example
 * if ((await peekMessages(req.session)).length > 0) res.setHeader('Cache-Control', 'no-store');
 */
export const peekMessages: Messages['peek'] = defaults.peek;

/**
 * Django's `get_level`: the minimum level stored in this request (`INFO` unless `setLevel` changed it).
 *
 * @example
 * if (getLevel(req.session) <= DEBUG) await debug(req.session, `Query took ${ms} ms.`);
 */
export const getLevel: Messages['getLevel'] = defaults.getLevel;

/**
 * Django's `set_level`: the minimum level for this request only; `null` restores the default.
 *
 * @example
 * setLevel(req.session, DEBUG);
 * await debug(req.session, 'Stored, for this request only.');
 */
export const setLevel: Messages['setLevel'] = defaults.setLevel;
