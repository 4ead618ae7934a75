/**
 * Django's users for the commands that manage them (createsuperuser, changepassword, migrate --auth): the
 * `auth_user` table of the database `DATABASE_URL` names, whatever the session engine, and failures
 * turned into one sentence naming that database.
 */
import type { DjangoUsers } from '../auth/django-users/django-users.js';
import { UsernameTakenError, UserTableError } from '../auth/django-users/errors.js';
import { pbkdf2IterationsFromEnv } from '../auth/passwords/iterations-setting.js';
import { readString } from '../config/values.js';
import { SessionConfigError } from '../errors.js';
import { CommandFailure, reasonOf, UsageError } from './failures.js';
import type { CliIO } from './output.js';

/** Options of {@link withDjangoUsers}. */
export interface CommandUsersOptions {
  /**
   * Create the SQLite file when it does not exist (migrate); otherwise a missing file is a failure.
   * @default false
   */
  readonly create?: boolean | undefined;
}

/**
 * Runs `work` with the users of `DATABASE_URL`'s database (Django's default `sqlite:///db.sqlite3` when
 * unset), closing the connection afterwards. Errors of the user table, and of the database, become a
 * {@link CommandFailure} naming the database.
 */
export async function withDjangoUsers<R>(io: CliIO, work: (users: DjangoUsers) => Promise<R>, { create = false }: CommandUsersOptions = {}): Promise<R> {
  // Loaded on demand, as the session stores are (run.ts): the other commands and --help do without them.
  const [{ djangoUsersOn }, { resolveDjangoUsersOptions }, { openUserDatabase }] = await Promise.all([
    import('../auth/django-users/django-users.js'),
    import('../auth/django-users/options.js'),
    import('../auth/django-users/user-database.js'),
  ]);
  // PBKDF2_ITERATIONS is read before the database is opened, so a bad value leaves nothing to close.
  const iterations = pbkdf2IterationsFromEnv(io.env);
  const users = djangoUsersOn(openUserDatabase(readString(io.env, 'DATABASE_URL'), { create }), resolveDjangoUsersOptions({ iterations }));
  try {
    return await work(users);
  } catch (error) {
    throw asFailure(error, users.description);
  } finally {
    await users.close().catch(() => undefined);
  }
}

/**
 * Fails unless the user table exists, saying how to create it (a query on a missing table would say so
 * too, but only after the questions were asked).
 */
export async function requireUserTable(users: DjangoUsers): Promise<void> {
  if (!(await users.tableExists())) {
    throw new CommandFailure(
      `there is no ${users.table} table in ${users.database}: create it with Django's "manage.py migrate", or with "sessionkit migrate --auth" on a database no Django project migrates.`,
    );
  }
}

function asFailure(error: unknown, description: string): unknown {
  if (error instanceof CommandFailure || error instanceof UsageError || error instanceof SessionConfigError) return error;
  if (error instanceof UserTableError) return new CommandFailure(error.message, { cause: error });
  if (error instanceof UsernameTakenError) return new CommandFailure('Error: That username is already taken.', { cause: error });
  return new CommandFailure(`the user database (${description}, set by DATABASE_URL) failed: ${reasonOf(error)}.`, { cause: error });
}
