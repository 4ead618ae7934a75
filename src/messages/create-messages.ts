/**
 * Django's messages API (`django.contrib.messages.api`) over a sessionkit session, stored where Django's
 * `SessionStorage` keeps them, so a Django app sharing the sessions reads what Node adds and the other
 * way round.
 */
import type { SessionData } from '../session.js';
import { decodeMessages, encodeMessages } from './codec.js';
import { type FlashMessage, toFlashMessage } from './flash-message.js';
import { DEBUG, ERROR, INFO, SUCCESS, WARNING } from './levels.js';
import { type MessagesOptions, resolveMessagesOptions } from './options.js';
import { inOrder, requestMessages } from './request-state.js';
import { type MessagesSession, messagesAccess } from './session-access.js';
import { MESSAGES_SESSION_KEY, type StoredMessage } from './stored-message.js';

/** Options of `addMessage` and the level shortcuts. */
export interface AddMessageOptions {
  /**
   * Django's `extra_tags`: more tags for the message, space-separated, put before the level's tag.
   * @default ''
   */
  readonly extraTags?: string | undefined;
  /**
   * Marks the text as safe HTML (Django's `mark_safe`): Django templates show it without escaping. Set it
   * only for HTML the application wrote itself.
   * @default false
   */
  readonly safe?: boolean | undefined;
}

/** Django's messages API, bound to one configuration (see {@link createMessages}). */
export interface Messages {
  /**
   * Django's `add_message`: stores a message in the session for a later request to show. Resolves
   * whether it was stored: an empty text, or a level below the minimum, stores nothing.
   * Rejects with a TypeError when `level` is not a whole number, or `message` or an option has the wrong type.
   */
  add<T extends SessionData>(session: MessagesSession<T>, level: number, message: string, options?: AddMessageOptions): Promise<boolean>;
  /** `add` with level `DEBUG` (10), which the default minimum level (`INFO`) leaves out. */
  debug<T extends SessionData>(session: MessagesSession<T>, message: string, options?: AddMessageOptions): Promise<boolean>;
  /** `add` with level `INFO` (20). */
  info<T extends SessionData>(session: MessagesSession<T>, message: string, options?: AddMessageOptions): Promise<boolean>;
  /** `add` with level `SUCCESS` (25). */
  success<T extends SessionData>(session: MessagesSession<T>, message: string, options?: AddMessageOptions): Promise<boolean>;
  /** `add` with level `WARNING` (30). */
  warning<T extends SessionData>(session: MessagesSession<T>, message: string, options?: AddMessageOptions): Promise<boolean>;
  /** `add` with level `ERROR` (40). */
  error<T extends SessionData>(session: MessagesSession<T>, message: string, options?: AddMessageOptions): Promise<boolean>;
  /**
   * Django's iteration over `get_messages(request)`: the messages, oldest first, removed from the session
   * as Django removes them once read. Reading again in the same request gives the same messages, plus any
   * added since.
   */
  get<T extends SessionData>(session: MessagesSession<T>): Promise<readonly FlashMessage[]>;
  /** The messages `get` would return, without marking them read (Django's `len(storage)`): they stay stored. */
  peek<T extends SessionData>(session: MessagesSession<T>): Promise<readonly FlashMessage[]>;
  /** Django's `get_level`: the minimum level stored in this request. */
  getLevel<T extends SessionData>(session: MessagesSession<T>): number;
  /**
   * Django's `set_level`: the minimum level for this request only; `null` goes back to the configured
   * one.
   * Throws a TypeError when `level` is neither a whole number nor `null`.
   */
  setLevel<T extends SessionData>(session: MessagesSession<T>, level: number | null): void;
}

function checkLevel(level: unknown, what: string): asserts level is number {
  if (typeof level !== 'number' || !Number.isSafeInteger(level)) {
    throw new TypeError(
      `sessionkit: ${what} must be a whole number such as INFO (20), not ${typeof level === 'string' ? JSON.stringify(level) : String(level)}.`,
    );
  }
}

function checkMessage(message: unknown, options: AddMessageOptions): asserts message is string {
  if (typeof message !== 'string') throw new TypeError(`sessionkit: a message is a string, not ${message === null ? 'null' : typeof message}.`);
  if (options.extraTags !== undefined && typeof options.extraTags !== 'string')
    throw new TypeError('sessionkit: extraTags is a string of space-separated tags.');
  if (options.safe !== undefined && typeof options.safe !== 'boolean') throw new TypeError('sessionkit: safe is true or false.');
}

/**
 * Django's messages framework with its own settings: `level` (`MESSAGE_LEVEL`) and `tags`
 * (`MESSAGE_TAGS`). The functions exported by `sessionkit/messages` use Django's defaults; make your own
 * set only to change those.
 *
 * Messages are stored in the session under `_messages` in the format of Django's `SessionStorage`, so
 * they work with every engine and every adapter. Add them after `flush()` (logout), not before: a flush
 * empties the session, messages included (Django keeps them in memory until the response instead).
 *
 * @throws SessionConfigError when an option cannot work.
 * @example
 * import { createMessages, ERROR } from 'sessionkit/messages';
 *
 * const messages = createMessages({ tags: { [ERROR]: 'danger' } });
 * await messages.error(req.session, 'Payment refused.');
 * // on the next page
 * for (const m of await messages.get(req.session)) html += `<p class="alert-${m.levelTag}">${escape(m.message)}</p>`;
 */
export function createMessages(options: MessagesOptions = {}): Messages {
  const { level: defaultLevel, levelTags } = resolveMessagesOptions(options);
  const show = (stored: readonly StoredMessage[]): readonly FlashMessage[] => Object.freeze(stored.map((one) => toFlashMessage(one, levelTags)));

  const getLevel = <T extends SessionData>(session: MessagesSession<T>): number => requestMessages(session).level ?? defaultLevel;

  const add = async <T extends SessionData>(
    session: MessagesSession<T>,
    level: number,
    message: string,
    addOptions: AddMessageOptions = {},
  ): Promise<boolean> => {
    checkLevel(level, 'a message level');
    checkMessage(message, addOptions);
    if (message === '' || level < getLevel(session)) return false;
    const added: StoredMessage = { level, message, extraTags: addOptions.extraTags ?? '', safe: addOptions.safe ?? false };
    const data = messagesAccess(session);
    await inOrder(requestMessages(session), async () => {
      const stored = decodeMessages(await data.get(MESSAGES_SESSION_KEY));
      await data.set(MESSAGES_SESSION_KEY, encodeMessages([...stored, added]));
    });
    return true;
  };
  const at =
    (level: number) =>
    <T extends SessionData>(session: MessagesSession<T>, message: string, addOptions?: AddMessageOptions): Promise<boolean> =>
      add(session, level, message, addOptions);

  return {
    add,
    debug: at(DEBUG),
    info: at(INFO),
    success: at(SUCCESS),
    warning: at(WARNING),
    error: at(ERROR),
    get(session) {
      const state = requestMessages(session);
      return inOrder(state, async () => {
        // Removed now, as Django's storage does at the end of a request that read them.
        const stored = decodeMessages(await messagesAccess(session).pop(MESSAGES_SESSION_KEY));
        state.read = [...(state.read ?? []), ...stored];
        return show(state.read);
      });
    },
    peek(session) {
      const state = requestMessages(session);
      return inOrder(state, async () => show([...(state.read ?? []), ...decodeMessages(await messagesAccess(session).get(MESSAGES_SESSION_KEY))]));
    },
    getLevel,
    setLevel(session, level) {
      if (level !== null) checkLevel(level, 'the minimum message level');
      requestMessages(session).level = level;
    },
  };
}
