/**
 * The session admin's view of a store, through its administration methods (`list`, `countExpired`,
 * `clearExpiredInBatches`): live sessions with their key hashed, their user, size, expiry and last
 * change; one session found by the hash of its key. A key never leaves this module whole.
 */
import { storedUserId, USER_ID_SESSION_KEY } from '../../../src/auth/session-keys.js';
import { EXPIRY_KEY } from '../../../src/core/expiry.js';
import type { SessionStore } from '../../../src/core/store-contract.js';
import type { DemoContext } from '../context.js';
import { sessionKeyHash } from '../key-hash.js';

/** The most sessions one page of the admin lists. */
export const MAX_LISTED = 200;

/** One live session as the admin lists it. */
export interface AdminRow {
  /** {@link sessionKeyHash} of its key. */
  readonly hash: string;
  /** The `username` it holds; `null` when it holds none, or its data does not decode. */
  readonly username: string | null;
  /**
   * The Django user it is logged in as (`_auth_user_id`), with the username when the user exists; `null`
   * without a login. The login's hash is not checked here: a session whose password changed since still
   * names its user, until its next request ends it.
   */
  readonly account: { readonly id: string; readonly username: string | null } | null;
  /** Whether the session is staff's (has given the admin token). */
  readonly staff: boolean;
  /** Bytes of stored data. */
  readonly size: number;
  readonly expireDate: Date | null;
  /** When it was last saved, worked out from its expiry; `null` when that cannot tell (a fixed expiry date). */
  readonly lastChange: Date | null;
  /** Whether its data decodes with the app's secrets. */
  readonly decodes: boolean;
}

/** What the admin can do with the engine's store: a reason it cannot list when it cannot. */
export type AdminStore =
  | { readonly ok: true; readonly store: SessionStore & Required<Pick<SessionStore, 'list'>> }
  | { readonly ok: false; readonly reason: string };

/** The store the admin works on, or why there is none to list. */
export function adminStore(context: DemoContext): AdminStore {
  const { store } = context;
  if (store === null) {
    return {
      ok: false,
      reason: 'With the signed_cookies engine, sessions live in the browsers’ cookies: there are none on the server to list, decode or delete.',
    };
  }
  if (typeof store.list !== 'function') {
    return { ok: false, reason: `The ${store.name} store cannot list its sessions: it has no way to enumerate its keys (memcached has none).` };
  }
  return { ok: true, store: store as SessionStore & Required<Pick<SessionStore, 'list'>> };
}

/**
 * When a session was last saved. Django's records hold no such date, but a save sets the expiry to the
 * save's time plus the session's expiry age: its own seconds, or `SESSION_COOKIE_AGE` (also for `0`,
 * browser close). A fixed expiry date says nothing of the save.
 */
export function lastChange(expireDate: Date | null, storedExpiry: unknown, cookieAge: number): Date | null {
  if (expireDate === null || typeof storedExpiry === 'string') return null;
  const age = typeof storedExpiry === 'number' && Number.isSafeInteger(storedExpiry) && storedExpiry > 0 ? storedExpiry : cookieAge;
  return new Date(expireDate.getTime() - age * 1000);
}

/** The live sessions, up to {@link MAX_LISTED} of them, the last changed first; and how many there are. */
export async function listSessions(
  context: DemoContext,
  store: SessionStore & Required<Pick<SessionStore, 'list'>>,
): Promise<{ rows: AdminRow[]; total: number }> {
  const rows: AdminRow[] = [];
  let total = 0;
  const account = accountNames(context);
  for await (const listed of store.list()) {
    total++;
    if (rows.length >= MAX_LISTED) continue;
    const record = await store.load(listed.key);
    // Expired or deleted since it was listed.
    if (record === null) continue;
    const decoded = context.decodeRecord(record.data);
    const data = decoded.ok ? decoded.data : {};
    rows.push({
      hash: sessionKeyHash(listed.key),
      username: typeof data.username === 'string' ? data.username : null,
      account: await account(storedUserId(data[USER_ID_SESSION_KEY])),
      staff: data._admin_staff === true,
      size: listed.size,
      expireDate: listed.expireDate,
      lastChange: lastChange(listed.expireDate, data[EXPIRY_KEY], context.options.cookieAge),
      decodes: decoded.ok,
    });
  }
  rows.sort((a, b) => (b.lastChange?.getTime() ?? 0) - (a.lastChange?.getTime() ?? 0));
  return { rows, total };
}

/** Looks up the Django users sessions are logged in as, each once per listing. */
function accountNames(context: DemoContext): (id: string | null) => Promise<AdminRow['account']> {
  const names = new Map<string, Promise<string | null>>();
  const lookUp = async (id: string): Promise<string | null> => {
    const state = await context.accounts.database.ready();
    return state.ok ? ((await state.users.getUser(id))?.username ?? null) : null;
  };
  return async (id) => {
    if (id === null) return null;
    if (!names.has(id)) names.set(id, lookUp(id));
    return { id, username: await names.get(id)! };
  };
}

/** The key of the live session whose hash is `hash`, with its listing; `null` when none has it. */
export async function findByHash(
  store: SessionStore & Required<Pick<SessionStore, 'list'>>,
  hash: string,
): Promise<{ key: string; expireDate: Date | null; size: number } | null> {
  if (!/^[0-9a-f]{12}$/.test(hash)) return null;
  for await (const listed of store.list()) {
    if (sessionKeyHash(listed.key) === hash) return listed;
  }
  return null;
}

/** How many expired sessions wait to be cleared, where the store can count them; `null` where it cannot. */
export async function countExpired(store: SessionStore): Promise<number | null> {
  return typeof store.countExpired === 'function' ? store.countExpired() : null;
}

/** Deletes the expired sessions, a batch at a time where the store can; resolves how many. */
export async function clearExpired(store: SessionStore): Promise<number> {
  return typeof store.clearExpiredInBatches === 'function' ? store.clearExpiredInBatches({}) : store.clearExpired();
}
