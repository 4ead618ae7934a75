/**
 * What Django's message storage keeps in memory for one request: the messages already read (iterating
 * twice shows them twice) and a level set for this request only. Keyed by the request's session object,
 * so it lives as long as the request.
 */
import type { StoredMessage } from './stored-message.js';

/** The messages state of one request. */
export interface RequestMessages {
  /** The messages `getMessages` returned in this request (already removed from the session); `null` before. */
  read: StoredMessage[] | null;
  /** The minimum level set by `setLevel` for this request; `null` for the configured one. */
  level: number | null;
  // The last queued operation: operations run one after the other, so two adds started together both land.
  tail: Promise<void>;
}

const states = new WeakMap<object, RequestMessages>();

/** The state of the request whose session is `session`, made on first use. */
export function requestMessages(session: object): RequestMessages {
  let state = states.get(session);
  if (state === undefined) {
    state = { read: null, level: null, tail: Promise.resolve() };
    states.set(session, state);
  }
  return state;
}

/** Runs `work` after the request's earlier messages operations have settled. */
export function inOrder<R>(state: RequestMessages, work: () => Promise<R>): Promise<R> {
  const run = state.tail.then(work, work);
  state.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}
