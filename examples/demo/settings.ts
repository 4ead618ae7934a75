/**
 * What the demo is told besides the session settings: the engine's Django name, shown on its pages, the
 * token that opens the session admin, and where Django's users are. `npm start` reads them from the
 * environment.
 */
import { type Env, NEW_SECRET_KEY_COMMAND } from '../../src/config/env.js';
import { SessionConfigError } from '../../src/errors.js';
import type { DemoUserDatabase } from './accounts/user-database.js';

/** The demo's own settings. */
export interface DemoSettings {
  /**
   * The engine's Django name (`db`, `cached_db`, `cache`, `file` or `signed_cookies`), as
   * `optionsFromEnv` reports it; the pages use it to say where a session is kept.
   * @default the store's name
   */
  readonly engine?: string | undefined;
  /**
   * The token that makes a browser staff in the session admin (`SESSION_ADMIN_TOKEN`). Without one,
   * `/admin/sessions/` answers 404 with how to turn it on.
   * @default undefined (the admin is off)
   */
  readonly adminToken?: string | undefined;
  /**
   * Django's users, who log in at `/accounts/login/` (`demoUserDatabase`: the `auth_user` table of
   * `DATABASE_URL`'s database). Their staff (`is_staff`) may use the session admin, with or without a token.
   * The demo does not close it. Without it, nobody can log in with a password, and the admin needs the token.
   * @default undefined (no users)
   */
  readonly users?: DemoUserDatabase | undefined;
}

/** The shortest admin token accepted: 16 characters, so it cannot be guessed by trying. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * `SESSION_ADMIN_TOKEN` from `env`; `undefined` when unset or blank (the admin stays off).
 * @throws SessionConfigError when the token is shorter than {@link MIN_ADMIN_TOKEN_LENGTH}.
 */
export function adminTokenFromEnv(env: Env): string | undefined {
  const token = env.SESSION_ADMIN_TOKEN?.trim();
  if (token === undefined || token === '') return undefined;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new SessionConfigError(
      `SESSION_ADMIN_TOKEN has ${token.length} characters; use at least ${MIN_ADMIN_TOKEN_LENGTH}, so that it cannot be guessed. Make one with: ${NEW_SECRET_KEY_COMMAND}`,
    );
  }
  return token;
}
