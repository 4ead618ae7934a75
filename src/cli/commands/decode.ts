/** `sessionkit decode VALUE`: decodes a `session_data` value, a signed-cookie session or a cache entry. */
import { DEFAULTS } from '../../options.js';
import { SIGNED_COOKIES_SALT } from '../../stores/signed-cookies.js';
import type { Command } from '../command.js';
import { createDecoder, type DecodeResult, describeProblem } from '../decoding.js';
import { CommandFailure } from '../failures.js';
import { type CliIO, note, printLine } from '../output.js';

/** The `decode` command. */
export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode a session_data value, a signed-cookie session or a cache entry',
  args: ['VALUE'],
  description: `Decodes VALUE with SECRET_KEY (or SECRET_KEY_FALLBACKS) and prints the session data as JSON:
  - a session_data value (a django_session row, a session file), salt
    django.contrib.sessions.SessionStore;
  - else a signed_cookies session cookie, salt django.contrib.sessions.backends.signed_cookies,
    whatever its age (the app would refuse one older than SESSION_COOKIE_AGE);
  - a cache entry of the cache engine (Redis, memcached): the session's JSON as it is, unsigned
    (checked as a session would load it).
Which of these matched is said on stderr. "sessionid=VALUE" is accepted too.
No store is opened. Put -- before a VALUE that starts with "-".`,
  options: {},
  async run({ io, args, readSecretSettings }) {
    const options = await readSecretSettings();
    const value = withoutCookieName(args[0]!.trim(), options.cookieName ?? DEFAULTS.cookieName);
    const decode = createDecoder(options);
    // Signed values are base64 and ':' only; the cache engines store the JSON object itself.
    if (value.startsWith('{')) {
      const asEntry = decode(DEFAULTS.dataSalt, value, 'plain');
      if (asEntry.ok) return show(io, asEntry.data, 'a cache entry (plain JSON, unsigned, as the cache engines store it)');
      throw new CommandFailure(`the value is not a session's cache entry: ${asEntry.detail}.`);
    }
    if (!value.includes(':')) {
      throw new CommandFailure(
        'the value is not signed (it has no ":" separator) and is no JSON object; pass a session_data value, the session cookie\'s value or a cache entry.',
      );
    }
    const dataSalt = options.dataSalt ?? DEFAULTS.dataSalt;
    const asData = decode(dataSalt, value);
    if (asData.ok) return show(io, asData.data, `session data (salt ${dataSalt})`);
    const asCookie = decode(SIGNED_COOKIES_SALT, value);
    if (asCookie.ok) return show(io, asCookie.data, `a signed-cookie session (salt ${SIGNED_COOKIES_SALT}; its age was not checked)`);
    throw new CommandFailure(failure(asData, asCookie));
  },
};

function show(io: CliIO, data: unknown, what: string): void {
  note(io, `Decoded as ${what}.`);
  printLine(io, JSON.stringify(data, null, 2));
}

function withoutCookieName(value: string, cookieName: string): string {
  return value.startsWith(`${cookieName}=`) ? value.slice(cookieName.length + 1) : value;
}

function failure(asData: Extract<DecodeResult, { ok: false }>, asCookie: Extract<DecodeResult, { ok: false }>): string {
  if (asData.problem === 'bad-signature' && asCookie.problem === 'bad-signature') {
    return 'the value does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS, neither as session data nor as a signed cookie: it was signed with another SECRET_KEY, altered, or is not a session value.';
  }
  // One salt's signature verified: that is what the value is, and its payload is what is wrong.
  const [what, result] = asData.problem !== 'bad-signature' ? ['session data', asData] : ['a signed cookie', asCookie];
  return `as ${what}, ${describeProblem(result)}.`;
}
