import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { BadPayload, BadSignature, b64Encode, dumps, loads, PayloadTooLarge, Signer, TimestampSigner } from '../../src/signing/index.js';
import { describeWithDjango, djangoBatch, djangoError } from '../django/bridge.js';

const KEY = 'django-insecure-bad-input-key-0123456789';
const SALT = 'django.core.signing';
const T0 = 1700000000;

/** A validly signed dumps-style token around an arbitrary payload string. */
function signedPayload(payload: string): string {
  return new TimestampSigner({ key: KEY, salt: SALT, now: () => T0 }).sign(payload);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function flipLast(text: string): string {
  return text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
}

const forged = {
  badBase64Length: signedPayload('abcde'),
  badBase64Chars: signedPayload('ab!d'),
  notJson: signedPayload(b64Encode(Buffer.from('not json {'))),
  notZlib: signedPayload(`.${b64Encode(Buffer.from('definitely not zlib'))}`),
  truncatedZlib: signedPayload(`.${b64Encode(deflateSync(Buffer.from(`"${'x'.repeat(500)}"`)).subarray(0, 10))}`),
  badTimestamp: new Signer({ key: KEY, salt: 'django.core.signing' }).sign(`${b64Encode(Buffer.from('1'))}:!!`),
};

describeWithDjango('bad tokens are rejected like Django rejects them', () => {
  const batch = djangoBatch({ SECRET_KEY: KEY });
  const djangoToken = batch.add({ op: 'dumps', obj: { user: 42 }, time: T0 });
  const djangoCompressed = batch.add({ op: 'dumps', obj: { data: 'z'.repeat(300) }, compress: true, time: T0 });
  const good = dumps({ user: 42 }, { key: KEY, now: () => T0 });
  const badSignatures = {
    tamperedSignature: batch.add({ op: 'loads', token: flipLast(good) }),
    tamperedPayload: batch.add({ op: 'loads', token: `X${good.slice(1)}` }),
    wrongKey: batch.add({ op: 'loads', token: good, key: 'some-other-key' }),
    wrongSalt: batch.add({ op: 'loads', token: good, salt: 'other.salt' }),
    noSeparator: batch.add({ op: 'loads', token: 'eyJ1c2VyIjo0Mn0' }),
    empty: batch.add({ op: 'loads', token: '' }),
    truncated: batch.add({ op: 'loads', token: good.slice(0, -5) }),
  };
  const badPayloads = Object.fromEntries(Object.entries(forged).map(([name, token]) => [name, batch.add({ op: 'loads', token })]));

  beforeAll(() => batch.run());

  it('accepts the untampered tokens (so the rejections below mean something)', () => {
    expect(djangoToken()).toBe(good);
    expect(loads(djangoToken() as string, { key: KEY })).toEqual({ user: 42 });
    expect(loads(djangoCompressed() as string, { key: KEY })).toEqual({ data: 'z'.repeat(300) });
  });

  it('throws BadSignature wherever Django raises BadSignature', () => {
    expect(Object.values(badSignatures).map((r) => djangoError(r()))).toEqual(Object.values(badSignatures).map(() => 'BadSignature'));
    const token = djangoToken() as string;
    const cases: Array<[string, () => unknown]> = [
      ['tampered signature', () => loads(flipLast(token), { key: KEY })],
      ['tampered payload', () => loads(`X${token.slice(1)}`, { key: KEY })],
      ['tampered timestamp', () => loads(token.replace(':1r31eq:', ':1r31er:'), { key: KEY })],
      ['wrong key', () => loads(token, { key: 'some-other-key' })],
      ['wrong salt', () => loads(token, { key: KEY, salt: 'other.salt' })],
      ['no separator', () => loads('eyJ1c2VyIjo0Mn0', { key: KEY })],
      ['empty string', () => loads('', { key: KEY })],
      ['compression flag removed', () => loads((djangoCompressed() as string).slice(1), { key: KEY })],
      ['compression flag added', () => loads(`.${token}`, { key: KEY })],
    ];
    for (const [name, fn] of cases) expect(thrown(fn), name).toBeInstanceOf(BadSignature);
    expect(() => loads('', { key: KEY })).toThrow('No ":" found in value');
  });

  it('throws BadSignature for every truncation of a token', () => {
    for (const token of [djangoToken() as string, djangoCompressed() as string]) {
      for (let end = 0; end < token.length; end++) {
        const error = thrown(() => loads(token.slice(0, end), { key: KEY }));
        expect(error, `prefix of length ${end}`).toBeInstanceOf(BadSignature);
      }
    }
  });

  it('throws BadPayload (not BadSignature) for broken content under a valid signature', () => {
    for (const [name, token] of Object.entries(forged)) {
      // Django accepts the signature too and then fails on the content.
      const djangoFailure = djangoError(badPayloads[name]!());
      expect(djangoFailure, name).toBeDefined();
      expect(djangoFailure, name).not.toMatch(/BadSignature|SignatureExpired/);

      const error = thrown(() => loads(token, { key: KEY }));
      expect(error, name).toBeInstanceOf(BadPayload);
      expect(error, name).not.toBeInstanceOf(BadSignature);
      expect((error as BadPayload).cause, name).toBeDefined();
    }
  });
});

it('stops a zlib bomb inside a valid signature at the limit, as BadPayload', () => {
  const bomb = signedPayload(`.${b64Encode(deflateSync(Buffer.alloc(50 * 1024 * 1024)))}`);
  expect(bomb.length).toBeLessThan(200_000);
  const error = thrown(() => loads(bomb, { key: KEY }));
  expect(error).toBeInstanceOf(BadPayload);
  // Inflation stopped at the limit rather than after the 50 MB: the limit is what the error names.
  expect((error as Error).message).toMatch(/more than 1048576 bytes/);
});

it('enforces maxDecompressedBytes as the limit, not some other failure', () => {
  const text = 'y'.repeat(2 * 1024 * 1024);
  const token = dumps(text, { key: KEY, compress: true });
  expect(token.startsWith('.')).toBe(true);
  expect(() => loads(token, { key: KEY })).toThrow(BadPayload);
  expect(loads(token, { key: KEY, maxDecompressedBytes: 4 * 1024 * 1024 })).toBe(text);
  expect(() => loads(token, { key: KEY, maxDecompressedBytes: 0 })).toThrow(RangeError);
  expect(() => loads(token, { key: KEY, maxDecompressedBytes: 1.5 })).toThrow(RangeError);
});

it('refuses maxAge on a signer without timestamps', () => {
  const signer = new Signer({ key: KEY });
  const token = signer.signObject({ a: 1 });
  expect(signer.unsignObject(token)).toEqual({ a: 1 });
  expect(() => signer.unsignObject(token, { maxAge: 10 })).toThrow(TypeError);
});

it('maxBytes: dumps refuses what loads given the same maxBytes would refuse, to the byte', () => {
  const value = 'z'.repeat(998); // serialized with its quotes: 1000 bytes
  const token = dumps(value, { key: KEY, compress: true, maxBytes: 1000 });
  expect(token.startsWith('.')).toBe(true);
  expect(loads(token, { key: KEY, maxBytes: 1000 })).toBe(value);
  const error = thrown(() => dumps(`${value}z`, { key: KEY, compress: true, maxBytes: 1000 }));
  expect(error).toBeInstanceOf(PayloadTooLarge);
  expect(error).toBeInstanceOf(RangeError);
  expect(error).toMatchObject({ bytes: 1001, limit: 1000, message: 'Serialized value is 1001 bytes, more than maxBytes (1000)' });
  expect(() => dumps(value, { key: KEY, maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/);
  expect(() => loads(token, { key: KEY, maxBytes: 2.5 })).toThrow(/maxBytes must be a positive integer/);
});

it('attack: a payload over maxBytes is BadPayload whether it is compressed (inflates past it) or not', () => {
  const compressible = dumps('q'.repeat(5000), { key: KEY, compress: true });
  const uncompressed = dumps(randomBytes(3000).toString('base64'), { key: KEY });
  expect(compressible.startsWith('.')).toBe(true);
  expect(uncompressed.startsWith('.')).toBe(false);
  for (const token of [compressible, uncompressed]) {
    const error = thrown(() => loads(token, { key: KEY, maxBytes: 1024, maxDecompressedBytes: 1024 * 1024 }));
    expect(error).toBeInstanceOf(BadPayload);
    expect((error as Error).message).toMatch(/more than 1024/);
    expect(loads(token, { key: KEY, maxBytes: 8192 })).toBeTypeOf('string');
  }
});

it('attack: JSON nested 5,000 levels deep under a valid signature is read without a stack overflow (the session layer refuses its shape)', () => {
  const deep = signedPayload(b64Encode(Buffer.from('['.repeat(5000) + ']'.repeat(5000))));
  let value = loads(deep, { key: KEY }) as unknown[];
  let depth = 0;
  while (Array.isArray(value) && value.length > 0) {
    value = value[0] as unknown[];
    depth++;
  }
  expect(depth).toBe(4999);
});

it('attack: 1e400 under a valid signature reads as Infinity, and dumps refuses to write it back', () => {
  const token = signedPayload(b64Encode(Buffer.from('{"n":1e400}')));
  const value = loads(token, { key: KEY }) as { n: number };
  expect(value.n).toBe(Number.POSITIVE_INFINITY);
  expect(() => dumps(value, { key: KEY })).toThrow(/Cannot serialize non-finite number Infinity/);
});
