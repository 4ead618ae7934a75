/**
 * Hostile and broken session cookies (and stored session data), built with the real signing code so that
 * "a valid signature over bad content" really has a valid signature.
 */
import { deflateSync } from 'node:zlib';
import { b64Encode, dumps, type Serializer, TimestampSigner } from '../../src/signing/index.js';
import { SIGNED_COOKIES_SALT } from '../../src/stores/signed-cookies.js';

/** Salt of data stored by server-side engines. */
export const STORE_SALT = 'django.contrib.sessions.SessionStore';
/** A secret nobody configured. */
export const WRONG_SECRET = 'wrong-secret-0000000000-nobody-configured-this-one-zzzzzzzzzzzzzz';
/** Inflated size of the zlib bomb: 8 MiB, far over the 1 MiB default limit. */
export const BOMB_INFLATED_BYTES = 8 * 1024 * 1024;

const rawBytes = (bytes: Buffer): Serializer => ({ dumps: () => bytes, loads: () => undefined });

let bomb: Buffer | undefined;
/** The deflated 8 MiB JSON string, made on first use: compressing it costs more than most tests here. */
function zlibBomb(): Buffer {
  bomb ??= deflateSync(Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(BOMB_INFLATED_BYTES, 'a'), Buffer.from('"}')]), { level: 9 });
  return bomb;
}

/** Signed tokens whose content must be refused, for `salt` and `secret`. */
export function badTokens(secret: string, salt: string): Record<string, string> {
  const valid = dumps({ visit: 41 }, { key: secret, salt, compress: true });
  const lastChar = valid.at(-1) === 'A' ? 'B' : 'A';
  const [, timestamp, signature] = valid.split(':');
  const signer = new TimestampSigner({ key: secret, salt });
  return {
    'a tampered signature': valid.slice(0, -1) + lastChar,
    'a tampered payload': `${b64Encode(Buffer.from('{"visit":9999}'))}:${timestamp}:${signature}`,
    'a wrong secret': dumps({ visit: 41 }, { key: WRONG_SECRET, salt, compress: true }),
    'a truncated token': valid.slice(0, Math.floor(valid.length / 2)),
    'malformed base64 inside a valid signature': signer.sign('!!!not*base64!!!'),
    'a non-JSON payload inside a valid signature': dumps(null, { key: secret, salt, serializer: rawBytes(Buffer.from('{not json')) }),
    'a JSON array inside a valid signature': dumps([1, 2, 3], { key: secret, salt }),
    'a zlib bomb inside a valid signature': signer.sign(`.${b64Encode(zlibBomb())}`),
  };
}

/** Cookie values that can never name a session, whatever the engine. */
export function badCookieValues(secret: string): Record<string, string> {
  return {
    ...badTokens(secret, SIGNED_COOKIES_SALT),
    'malformed base64 without a signature': 'abc$%^def:ghi',
    'a 10 kB cookie': 'a'.repeat(10 * 1024),
    'a key with path characters': '../../../../etc/passwd',
    'a key with encoded path characters': '..%2F..%2F..%2Fetc%2Fpasswd',
    'a key that is too short': 'abcdefg',
    'a key that is too long': 'a'.repeat(41),
    'a key with upper-case letters': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
    'an unknown well-formed key': 'abcdefghijklmnopqrstuvwxyz012345',
  };
}
