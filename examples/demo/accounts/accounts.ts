/**
 * The demo's logged-in users: `sessionkit/auth`'s login state over Django's users (see `user-database.ts`),
 * signed with the session settings' `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, as Django's are.
 */
import { type Auth, createAuth, type DjangoUser, UserTableError } from '../../../src/auth/index.js';
import type { ResolvedOptions } from '../../../src/options.js';
import type { Session } from '../../../src/session.js';
import type { DemoData } from '../exchange.js';
import { type DemoUserDatabase, noUserDatabase } from './user-database.js';

/** Django's users and login state, for the routes. */
export interface DemoAccounts {
  /** Whether the demo was given a user database; without one, nobody can log in with a password. */
  readonly configured: boolean;
  readonly database: DemoUserDatabase;
  /** Login state; its user source answers `null` while the user table is missing. */
  readonly auth: Auth<DjangoUser>;
  /** Django's `request.user`: the logged-in user, or `null` for anonymous. */
  user(session: Session<DemoData>): Promise<DjangoUser | null>;
}

/**
 * The accounts of the demo whose sessions have `options`, with its users in `database` (none when
 * `undefined`). A hash made with one of `options.secretFallbacks` still counts, and is rewritten with the
 * current secret, as in Django 4.1 and later.
 */
export function demoAccounts(options: ResolvedOptions, database: DemoUserDatabase | undefined): DemoAccounts {
  const users = database ?? noUserDatabase();
  const auth = createAuth<DjangoUser>({
    secret: options.secret,
    secretFallbacks: options.secretFallbacks,
    users: {
      async getUser(id) {
        const state = await users.ready();
        if (!state.ok) return null;
        try {
          return await state.users.getUser(id);
        } catch (error) {
          // Dropped since it was found: anonymous, and the login page explains again.
          if (!(error instanceof UserTableError)) throw error;
          users.forget();
          return null;
        }
      },
      async userLoggedIn(user) {
        const state = await users.ready();
        if (state.ok) await state.users.userLoggedIn(user);
      },
    },
  });
  return { configured: database !== undefined, database: users, auth, user: (session) => auth.getUser(session) };
}
