/** The `--help` texts. */
import type { Command } from './command.js';

/** The program's name, as typed. */
export const PROGRAM = 'sessionkit';

const SETTINGS = `Settings come from environment variables with Django's names, as for the app:
  SESSION_ENGINE       db (default), cached_db, cache, file, signed_cookies
  DATABASE_URL         db and cached_db: sqlite:///db.sqlite3 (default), postgres://…, mysql://…
  CACHE_URL            cache and cached_db: redis://…, memcached://…, locmem:// (default)
  CACHE_KEY_PREFIX     Django's CACHES KEY_PREFIX ('' by default)
  CACHE_VERSION        Django's CACHES VERSION (1 by default)
  SESSION_FILE_PATH    file: the session directory (the temporary directory by default)
  SECRET_KEY, SECRET_KEY_FALLBACKS, SESSION_COOKIE_NAME, SESSION_COOKIE_AGE, …
  SITE_URL, SECURE_SSL_REDIRECT  check: whether the site is served over HTTPS
  SESSIONKIT_DEBUG=1   show stack traces of errors`;

/** `sessionkit KEY`-style usage of a command. */
export function usageOf(command: Command): string {
  const options = Object.keys(command.options).length > 0 ? ' [options]' : '';
  return `${PROGRAM} ${command.name}${options}${command.args.map((arg) => ` ${arg}`).join('')}`;
}

/** The program's help: every command and the settings. */
export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: ${PROGRAM} <command> [options] [arguments]

Manage the sessions of a sessionkit (or Django) app: Django's session management, from Node.

Commands:
${list}

Run "${PROGRAM} <command> --help" for a command's details.

${SETTINGS}

Exit status: 0 done, 1 failed, 2 wrong command line.
`;
}

/** One command's help. */
export function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) => {
    const flag = option.type === 'string' ? `--${name} ${option.valueName ?? 'VALUE'}` : `--${name}`;
    return [flag, option.description] as const;
  });
  options.push(['-h, --help', 'show this help']);
  const width = Math.max(...options.map(([flag]) => flag.length));
  return `Usage: ${usageOf(command)}

${command.description}

Options:
${options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n')}

${SETTINGS}
`;
}
