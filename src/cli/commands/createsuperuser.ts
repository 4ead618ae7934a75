/** `sessionkit createsuperuser`: Django's `createsuperuser`, on the `auth_user` table of DATABASE_URL. */
import { userInfo } from 'node:os';
import type { DjangoUsers } from '../../auth/django-users/django-users.js';
import { emailProblem, usernameProblem } from '../../auth/django-users/user-fields.js';
import type { Command } from '../command.js';
import { requireUserTable, withDjangoUsers } from '../command-users.js';
import { CommandFailure } from '../failures.js';
import { InputCancelled, LineInput } from '../line-input.js';
import { type CliIO, note, printLine } from '../output.js';

const PASSWORD_VARIABLE = 'DJANGO_SUPERUSER_PASSWORD';
const USERNAME_VARIABLE = 'DJANGO_SUPERUSER_USERNAME';
const EMAIL_VARIABLE = 'DJANGO_SUPERUSER_EMAIL';

/** What Django's `_validate_username` says about `username`, or `null` when it can be used. */
async function usernameError(users: DjangoUsers, username: string): Promise<string | null> {
  if ((await users.getByUsername(username)) !== null) return 'Error: That username is already taken.';
  if (username === '') return 'Username cannot be blank.';
  return usernameProblem(username);
}

/**
 * Django's `get_default_username`: the account name, reduced to ASCII, without spaces and lower-cased, when
 * it is a valid username nobody has; otherwise none.
 */
async function defaultUsername(users: DjangoUsers): Promise<string | undefined> {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    return undefined;
  }
  const candidate = name
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .replaceAll(' ', '')
    .toLowerCase();
  if (candidate === '' || usernameProblem(candidate) !== null) return undefined;
  return (await users.getByUsername(candidate)) === null ? candidate : undefined;
}

interface NewSuperuser {
  readonly username: string;
  readonly email: string;
  readonly password: string | null;
}

/** --noinput: everything from the options and Django's environment variables. */
async function fromOptions(io: CliIO, users: DjangoUsers, options: Readonly<Record<string, string | boolean | undefined>>): Promise<NewSuperuser> {
  const rawPassword = io.env[PASSWORD_VARIABLE];
  if (rawPassword === '') {
    throw new CommandFailure(
      `${PASSWORD_VARIABLE} is set but empty, and a blank password is refused. Set it to the password, or unset it for a superuser without a usable password.`,
    );
  }
  const username = typeof options['username'] === 'string' ? options['username'] : io.env[USERNAME_VARIABLE];
  if (username === undefined) throw new CommandFailure('You must use --username with --noinput.');
  const usernameIssue = await usernameError(users, username);
  if (usernameIssue !== null) throw new CommandFailure(usernameIssue);
  const email = (typeof options['email'] === 'string' ? options['email'] : '') || io.env[EMAIL_VARIABLE] || '';
  if (email === '') throw new CommandFailure('You must use --email with --noinput.');
  const emailIssue = emailProblem(email);
  if (emailIssue !== null) throw new CommandFailure(emailIssue);
  return { username, email, password: rawPassword ?? null };
}

/** Asks until `ask` gives an answer `check` accepts (printing its complaint otherwise). */
async function askUntil(
  input: LineInput,
  io: CliIO,
  prompt: string,
  check: (answer: string) => Promise<string | null> | string | null,
  fallback?: string,
): Promise<string> {
  for (;;) {
    const typed = await input.ask(prompt);
    if (typed === null) throw new InputCancelled();
    const answer = typed === '' && fallback !== undefined ? fallback : typed;
    const problem = await check(answer);
    if (problem === null) return answer;
    note(io, problem);
  }
}

/** Interactive: Django's questions, on the terminal. */
async function fromTerminal(
  io: CliIO,
  users: DjangoUsers,
  input: LineInput,
  options: Readonly<Record<string, string | boolean | undefined>>,
): Promise<NewSuperuser> {
  let username = typeof options['username'] === 'string' ? options['username'] : undefined;
  if (username === '') throw new CommandFailure('Username cannot be blank.');
  if (username !== undefined) {
    const problem = await usernameError(users, username);
    if (problem !== null) {
      note(io, problem);
      username = undefined;
    }
  }
  if (username === undefined) {
    const fallback = await defaultUsername(users);
    const prompt = fallback === undefined ? 'Username: ' : `Username (leave blank to use '${fallback}'): `;
    username = await askUntil(
      input,
      io,
      prompt,
      async (answer) => (answer === '' ? 'Error: This field cannot be blank.' : usernameError(users, answer)),
      fallback,
    );
  }
  let email = typeof options['email'] === 'string' ? options['email'] : undefined;
  if (email !== undefined && emailProblem(email) !== null) throw new CommandFailure(emailProblem(email)!);
  email ??= await askUntil(input, io, 'Email address: ', (answer) => {
    const problem = emailProblem(answer);
    return problem === null ? null : `Error: ${problem}`;
  });
  for (;;) {
    const password = await input.ask('Password: ', { hidden: true });
    const again = password === null ? null : await input.ask('Password (again): ', { hidden: true });
    if (password === null || again === null) throw new InputCancelled();
    if (password !== again) note(io, "Error: Your passwords didn't match.");
    else if (password.trim() === '') note(io, "Error: Blank passwords aren't allowed.");
    else return { username, email, password };
  }
}

/** The `createsuperuser` command. */
export const createsuperuserCommand: Command = {
  name: 'createsuperuser',
  summary: "create a Django superuser in auth_user (Django's createsuperuser)",
  args: [],
  description: `Creates a superuser (is_staff and is_superuser set) in Django's auth_user table of the database
DATABASE_URL names, whatever SESSION_ENGINE is, as Django's "manage.py createsuperuser" does: the
same checks and messages, the username normalised and the password hashed as Django does
(pbkdf2_sha256 at PBKDF2_ITERATIONS iterations, by default Django 5.2's 1,000,000; set it to the
Django project's count, 260000 for Django 3.2, or Django rehashes the password at each login
there). The user can log in to Django and to sessionkit apps.

On a terminal it asks for what the options do not give: the username, the email address and the
password (twice, not shown). With --noinput it asks nothing and reads, as Django does:

  --username, else DJANGO_SUPERUSER_USERNAME   required
  --email, else DJANGO_SUPERUSER_EMAIL         required
  DJANGO_SUPERUSER_PASSWORD                    when unset, the user gets an unusable password (it
                                               cannot log in until "sessionkit changepassword")

Without a terminal, --noinput is required. A blank password is refused. The auth_user table must
exist: Django's "manage.py migrate" (or "sessionkit migrate --auth") creates it.`,
  options: {
    username: { type: 'string', valueName: 'NAME', description: 'the username' },
    email: { type: 'string', valueName: 'ADDRESS', description: 'the email address' },
    noinput: { type: 'boolean', description: 'ask nothing: take the rest from DJANGO_SUPERUSER_* (see above)' },
    'no-input': { type: 'boolean', description: 'the same as --noinput' },
  },
  async run({ io, options }) {
    const interactive = options['noinput'] !== true && options['no-input'] !== true;
    const input = new LineInput(io.stdin, io.stderr);
    if (interactive && !input.terminal) {
      throw new CommandFailure(
        `createsuperuser asks its questions on a terminal, and stdin is not one: run it with --noinput (and --username, --email and ${PASSWORD_VARIABLE}).`,
      );
    }
    try {
      await withDjangoUsers(io, async (users) => {
        await requireUserTable(users);
        const superuser = interactive ? await fromTerminal(io, users, input, options) : await fromOptions(io, users, options);
        await users.createUser({ ...superuser, isStaff: true, isSuperuser: true });
        printLine(io, 'Superuser created successfully.');
        if (superuser.password === null) {
          note(
            io,
            `${PASSWORD_VARIABLE} was not set, so the superuser has an unusable password: it can log in once "sessionkit changepassword ${superuser.username}" gives it one.`,
          );
        }
      });
    } finally {
      input.close();
    }
  },
};
