/**
 * Who each listed session is logged in as: the `_auth_user_id` of its data, decoded with the configured
 * secrets. The sessions are loaded a few at a time and come out in the order they were listed.
 */
import { storedUserId, USER_ID_SESSION_KEY } from '../../auth/session-keys.js';
import type { ListedSession, SessionStore } from '../../core/store-contract.js';
import { DEFAULTS } from '../../options.js';
import type { ConfiguredEngine } from '../configured-engine.js';
import { createDecoder } from '../decoding.js';

/** A listed session with its user. */
export interface SessionWithUser extends ListedSession {
  /** `_auth_user_id`: the logged-in user's id; `null` for an anonymous session (or one no longer stored). */
  readonly userId: string | null;
  /** Whether the data could be read: `false` when it does not verify with the secrets (then `userId` is unknown). */
  readonly readable: boolean;
}

// Loads in flight at once: enough to hide a server's round trips, few enough for any pool.
const LOADS_IN_FLIGHT = 8;

/**
 * `sessions` with their users. With `verify` false (no secret to verify with) nothing is loaded and every
 * session is unreadable.
 */
export async function* withUsers(
  engine: ConfiguredEngine,
  store: SessionStore,
  sessions: AsyncIterable<ListedSession>,
  verify: boolean,
): AsyncIterable<SessionWithUser> {
  const decode = verify ? createDecoder(engine.options) : undefined;
  const salt = engine.options.dataSalt ?? DEFAULTS.dataSalt;
  const userOf = async (session: ListedSession): Promise<SessionWithUser> => {
    if (decode === undefined) return { ...session, userId: null, readable: false };
    const record = await store.load(session.key);
    // Gone (deleted or expired) since it was listed: nobody is logged in there any more.
    if (record === null) return { ...session, userId: null, readable: true };
    const result = decode(salt, record.data, store.dataFormat);
    return result.ok ? { ...session, userId: storedUserId(result.data[USER_ID_SESSION_KEY]), readable: true } : { ...session, userId: null, readable: false };
  };
  const inFlight: Array<Promise<SessionWithUser>> = [];
  for await (const session of sessions) {
    const loading = userOf(session);
    // Awaited in order below; until then a failure must not count as unhandled.
    loading.catch(() => undefined);
    inFlight.push(loading);
    if (inFlight.length >= LOADS_IN_FLIGHT) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
