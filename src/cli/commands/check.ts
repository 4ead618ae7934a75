/** `sessionkit check`: Django's `check --deploy` for the sessions — settings, secrets and the store. */
import type { Command } from '../command.js';
import { CommandFailure, hidePasswords } from '../failures.js';
import { note, plural, printLine } from '../output.js';

/** The `check` command. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'check the settings, the secrets and the store before deploying',
  args: [],
  description: `Checks what would make the sessions unsafe or broken in production, as Django's
"manage.py check --deploy" does, and lists every problem found, one a line with its id and the
fix. Exits with 1 when there is one, 0 when there is none. It changes nothing: no database file,
table or directory is created.

  settings        every variable's value, as the app reads them at start
  secrets         SECRET_KEY and each SECRET_KEY_FALLBACKS entry: at least 50 characters, 5
                  different ones, and no "django-insecure-" prefix (Django's security.W009/W025)
  cookie          SESSION_COOKIE_HTTPONLY on (sessions.W015); SESSION_COOKIE_SECURE on when the
                  site is served over HTTPS (sessions.W012), which --https, SITE_URL=https://…
                  or SECURE_SSL_REDIRECT=True says; SameSite=None only with Secure
  db, cached_db   the database answers to the URL's user, django_session has Django's columns,
                  and the user may insert, update, read and delete there (tried in a transaction
                  that is rolled back)
  cache           the servers answer (for Redis, the URL's database index exists), and a
                  session living SESSION_COOKIE_AGE is written, read back and deleted
  file            SESSION_FILE_PATH exists and is writable, and other users can neither write
                  to it nor list it (its file names are session keys)`,
  options: {
    https: { type: 'boolean', description: 'the site is served over HTTPS, so the session cookie must be Secure' },
  },
  async run({ io, options }) {
    // Loaded here: it reads every store's settings, which help and the other commands do without.
    const { runChecks } = await import('../check/run-checks.js');
    const { formatProblem } = await import('../check/problem.js');
    const report = await runChecks(io.env, { https: options.https === true });
    const shown = (text: string): string => hideSecrets(hidePasswords(text, io.env), io.env);
    for (const text of report.notes) note(io, shown(`sessionkit: ${text}`));
    for (const problem of report.problems) printLine(io, shown(formatProblem(problem)));
    const checked = report.checked.length > 0 ? ` (${report.checked.join('; ')})` : '';
    if (report.problems.length > 0) {
      throw new CommandFailure(shown(`check found ${plural(report.problems.length, 'problem')}${checked}.`));
    }
    printLine(io, shown(`No problems found${checked}.`));
  },
};

/** `text` with the secrets of `env` replaced by `***`, should a message ever quote one. */
function hideSecrets(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const secrets = [env['SECRET_KEY'], ...(env['SECRET_KEY_FALLBACKS'] ?? '').split(',')]
    .map((secret) => secret?.trim() ?? '')
    .filter((secret) => secret.length >= 8);
  return secrets.reduce((hidden, secret) => hidden.split(secret).join('***'), text);
}
