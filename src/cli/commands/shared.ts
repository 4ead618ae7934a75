/** Checks the commands that work on stored sessions share. */
import { isValidSessionKey } from '../../core/session-key.js';
import type { SessionStore } from '../../core/store-contract.js';
import type { ConfiguredEngine } from '../configured-engine.js';
import { CommandFailure, UsageError } from '../failures.js';

/**
 * The engine's store, when this command can see its sessions. Signed cookies store nothing on the
 * server; an in-process cache lives inside each app process, out of this command's reach.
 */
export function storedSessions(engine: ConfiguredEngine, action: string): SessionStore {
  const store = engine.store;
  if (store === null) {
    throw new CommandFailure(
      `with SESSION_ENGINE=signed_cookies the sessions live in the browsers' cookies, so there are none on the server to ${action}; "sessionkit decode VALUE" reads a cookie.`,
    );
  }
  if (engine.engine === 'cache' && store.name === 'memory') {
    throw new CommandFailure(
      `the in-process cache (CACHE_URL unset or locmem://) lives inside each app process, so this command cannot ${action} its sessions; use a shared cache such as CACHE_URL=redis://127.0.0.1:6379/0.`,
    );
  }
  return store;
}

/** `value` when it is a session key; a `UsageError` otherwise. */
export function sessionKeyArgument(value: string, command: string): string {
  if (!isValidSessionKey(value)) {
    throw new UsageError(`${JSON.stringify(value)} is not a session key: keys are 8 to 40 characters of a-z and 0-9.`, command);
  }
  return value;
}
