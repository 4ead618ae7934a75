/**
 * The lazy `user` the framework adapters put next to `session`: Django's `request.user`, a value that runs
 * no query until it is read and then answers the same user for the rest of the request.
 * @module
 */
import type { Session, SessionData } from '../session.js';
import type { SessionUser } from './user.js';

/**
 * A request's logged-in user, loaded on the first call (through `getUser`) and remembered for the request:
 * later calls answer the same promise without a query. `null` is anonymous.
 *
 * @typeParam U - The app's user type.
 * @example
 * const user = await req.user(); // one lookup, however many times it is called
 */
export type RequestUser<U extends SessionUser> = () => Promise<U | null>;

/**
 * The remembered users of the sessions one `createAuth` configuration has seen, so that `login`, `logout`
 * and `updateSessionAuthHash` on a request's session change what its {@link RequestUser} answers, as
 * Django's `login` and `logout` replace `request.user`.
 */
export class RequestUsers<U extends SessionUser> {
  // A session object lives for one request, so this is per request; the WeakMap lets it go with the request.
  readonly #known = new WeakMap<object, Promise<U | null>>();
  readonly #load: (session: Session<SessionData>) => Promise<U | null>;

  /** @param load - Django's `get_user` for a session (run at most once per session unless it fails). */
  constructor(load: (session: Session<SessionData>) => Promise<U | null>) {
    this.#load = load;
  }

  /** The lazy user of `session`. */
  of<T extends SessionData>(session: Session<T>): RequestUser<U> {
    return () => {
      let user = this.#known.get(session);
      if (user === undefined) {
        user = this.#load(session as Session<SessionData>);
        this.#known.set(session, user);
        // A failed lookup (the user table is down) is not remembered: the next call asks again.
        user.catch(() => this.#known.delete(session));
      }
      return user;
    };
  }

  /** Records who `session` is logged in as now (after a login or a logout made through the same auth). */
  remember<T extends SessionData>(session: Session<T>, user: U | null): void {
    this.#known.set(session, Promise.resolve(user));
  }
}
