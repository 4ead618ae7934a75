/**
 * Errors that name the environment variable at fault, and URLs shown without their password: a
 * store's own configuration error ("postgresStore: sslmode … is unknown") becomes "DATABASE_URL=… cannot
 * be used: sslmode … is unknown", which says where to look.
 */
import { SessionConfigError } from '../errors.js';

const MESSAGE_PREFIX = 'sessionkit: ';

/**
 * `url` with the password of its user-info part replaced by `***` (`redis://:***@host:6379/0`). The text
 * up to the last `@` before the path counts as user-info, so a password holding a raw `@` is hidden whole.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, hidePassword);
}

/** `text` with the password of every URL in it replaced by `***` (for messages that quote a URL). */
export function redactUrlsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/?#\s"'`]*)@/gi, hidePassword);
}

function hidePassword(_match: string, scheme: string, userInfo: string): string {
  const colon = userInfo.indexOf(':');
  return `${scheme}${colon === -1 ? userInfo : `${userInfo.slice(0, colon)}:***`}@`;
}

/** The message of a `SessionConfigError` without its `sessionkit: ` prefix, for quoting in another one. */
export function configErrorReason(error: SessionConfigError): string {
  return error.message.startsWith(MESSAGE_PREFIX) ? error.message.slice(MESSAGE_PREFIX.length) : error.message;
}

/**
 * Runs `open`, turning a `SessionConfigError` it throws into one that starts with `subject` (e.g.
 * `CACHE_URL="redis://…" cannot be used`), so the message names the variable to fix. Passwords in URLs
 * the store's message quotes are hidden.
 */
export function openFor<T>(subject: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof SessionConfigError) throw new SessionConfigError(`${subject}: ${redactUrlsIn(configErrorReason(error))}`);
    throw error;
  }
}

/** `NAME="value"` for messages, with any password in the value hidden. */
export function shownVariable(name: string, value: string): string {
  return `${name}=${JSON.stringify(redactUrl(value))}`;
}
