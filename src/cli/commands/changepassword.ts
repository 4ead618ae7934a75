/** `sessionkit changepassword USERNAME`: Django's `changepassword`, on the `auth_user` table of DATABASE_URL. */
import type { Command } from '../command.js';
import { withDjangoUsers } from '../command-users.js';
import { CommandFailure } from '../failures.js';
import { LineInput } from '../line-input.js';
import { type CliIO, printLine } from '../output.js';

// Django's MAX_TRIES.
const MAX_TRIES = 3;

/** Django's loop: the password twice, up to three times, an empty one aborting. */
async function typedPassword(io: CliIO, input: LineInput, username: string): Promise<string> {
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const password = await input.ask('Password: ', { hidden: true });
    if (password === null || password === '') throw new CommandFailure('aborted');
    const again = await input.ask('Password (again): ', { hidden: true });
    if (again === null || again === '') throw new CommandFailure('aborted');
    if (password === again) return password;
    printLine(io, 'Passwords do not match. Please try again.');
  }
  throw new CommandFailure(`Aborting password change for user '${username}' after ${MAX_TRIES} attempts`);
}

/** From a pipe: the first line, and the second when there is one must repeat it. */
async function pipedPassword(input: LineInput): Promise<string> {
  const password = await input.ask('');
  if (password === null || password === '') {
    throw new CommandFailure(
      'no new password on stdin: give it as the first line, e.g. printf \'%s\\n\' "$NEW_PASSWORD" | sessionkit changepassword USERNAME (or run the command on a terminal).',
    );
  }
  const again = await input.ask('');
  if (again !== null && again !== '' && again !== password)
    throw new CommandFailure('the two lines on stdin differ: give the new password once, or twice the same.');
  return password;
}

/** The `changepassword` command. */
export const changepasswordCommand: Command = {
  name: 'changepassword',
  summary: "change a Django user's password (Django's changepassword)",
  args: ['USERNAME'],
  description: `Sets the password of the user USERNAME in Django's auth_user table of the database DATABASE_URL
names, as Django's "manage.py changepassword" does (pbkdf2_sha256 at PBKDF2_ITERATIONS iterations,
by default Django 5.2's 1,000,000; 260000 beside Django 3.2). Every session of the user ends, in Django and in sessionkit apps: the session auth
hash changes with the password.

On a terminal it asks for the new password twice, not shown; an empty answer aborts, and three
mismatches give up. Without a terminal it reads the new password from stdin: the first line (a
second line, when there is one, must repeat it), so it can be piped from a secret store:

  printf '%s\\n' "$NEW_PASSWORD" | sessionkit changepassword alice

A blank password is refused.`,
  options: {},
  async run({ io, args }) {
    const username = args[0]!;
    const input = new LineInput(io.stdin, io.stderr);
    try {
      await withDjangoUsers(io, async (users) => {
        const user = await users.getByUsername(username);
        if (user === null) throw new CommandFailure(`user '${username}' does not exist`);
        printLine(io, `Changing password for user '${user.username}'`);
        const password = input.terminal ? await typedPassword(io, input, user.username) : await pipedPassword(input);
        await users.setPassword(user, password);
        printLine(io, `Password changed successfully for user '${user.username}'`);
      });
    } finally {
      input.close();
    }
  },
};
