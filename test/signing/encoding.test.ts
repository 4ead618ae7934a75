import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { HashAlgorithm } from '../../src/signing/index.js';
import { b62Decode, b62Encode, b64Decode, b64Encode, constantTimeEqual, saltedHmac } from '../../src/signing/index.js';
import { describeWithDjango, djangoBatch, djangoError } from '../django/bridge.js';

const integers = [0, 1, 9, 10, 35, 36, 61, 62, 63, 3843, 3844, 1234567890, 1700000000, 2147483647, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER, -1, -62, -1700000000];
const base62Texts = ['0', '00', '-0', '-', 'z', '10', '1r31eq', '1LY7VK', '-zz', '0001', 'ZZZZ'];
const invalidBase62 = ['', '+', 'a.b', ' 1', '1 ', 'é', '1-'];

const byteSamples: Buffer[] = [
  Buffer.alloc(0),
  Buffer.from([0]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xfb, 0xff, 0xbf]), // exercises '-' and '_'
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  randomBytes(1000),
  randomBytes(1001),
  randomBytes(1002),
];

const hmacCases: Array<{ keySalt: string; value: string; secret: string; algorithm: HashAlgorithm }> = [
  { keySalt: 'django.core.signingsigner', value: 'hello', secret: 'secret', algorithm: 'sha1' },
  { keySalt: 'django.core.signingsigner', value: 'hello', secret: 'secret', algorithm: 'sha256' },
  { keySalt: 'django.core.signingsigner', value: 'hello', secret: 'secret', algorithm: 'sha512' },
  { keySalt: 'salt-ü', value: 'välue 😀', secret: 'sécret-ключ', algorithm: 'sha256' },
  { keySalt: '', value: '', secret: 'x', algorithm: 'sha1' },
  { keySalt: 'a'.repeat(200), value: 'b'.repeat(5000), secret: 'c'.repeat(100), algorithm: 'sha256' },
];

describeWithDjango('base64 / base62 / salted HMAC match Django', () => {
  const batch = djangoBatch();
  const b62Encoded = integers.map((n) => batch.add({ op: 'b62_encode', n }));
  const b62Decoded = base62Texts.map((s) => batch.add({ op: 'b62_decode', s }));
  const b62Invalid = invalidBase62.map((s) => batch.add({ op: 'b62_decode', s }));
  const b64Encoded = byteSamples.map((bytes) => batch.add({ op: 'b64_encode', hex: bytes.toString('hex') }));
  const hmacs = hmacCases.map((c) => batch.add({ op: 'salted_hmac', key_salt: c.keySalt, value: c.value, secret: c.secret, algorithm: c.algorithm }));

  beforeAll(() => batch.run());

  it('b62Encode produces Django output for every integer', () => {
    for (const [i, n] of integers.entries()) expect(b62Encode(n), `n=${n}`).toBe(b62Encoded[i]!());
  });

  it('b62Decode reads Django output and round-trips', () => {
    for (const [i, n] of integers.entries()) expect(b62Decode(b62Encoded[i]!() as string)).toBe(n);
    for (const [i, s] of base62Texts.entries()) expect(b62Decode(s), `s=${s}`).toBe(b62Decoded[i]!());
  });

  it('b62Decode rejects what Django rejects', () => {
    invalidBase62.forEach((s, i) => {
      expect(djangoError(b62Invalid[i]!()), `Django on ${JSON.stringify(s)}`).toBeDefined();
      expect(() => b62Decode(s), `s=${JSON.stringify(s)}`).toThrow();
    });
  });

  it('b64Encode produces Django output and b64Decode round-trips it', () => {
    byteSamples.forEach((bytes, i) => {
      const django = b64Encode(bytes);
      expect(django).toBe(b64Encoded[i]!());
      expect(django).not.toMatch(/[=+/]/);
      expect(b64Decode(django).equals(bytes)).toBe(true);
    });
  });

  it('saltedHmac matches Django for sha1, sha256 and sha512', () => {
    hmacCases.forEach((c, i) => {
      const digest = saltedHmac(c.keySalt, c.value, c.secret, c.algorithm);
      expect(digest.toString('hex'), JSON.stringify(c)).toBe(hmacs[i]!());
    });
  });

  it('saltedHmac defaults to sha1 and treats strings as UTF-8', () => {
    const c = hmacCases[0]!;
    expect(saltedHmac(c.keySalt, c.value, c.secret).toString('hex')).toBe(hmacs[0]!());
    const u = hmacCases[3]!;
    const bytes = saltedHmac(u.keySalt, Buffer.from(u.value), Buffer.from(u.secret), 'sha256');
    expect(bytes.toString('hex')).toBe(hmacs[3]!());
  });
});

it('b62Encode rejects non-integers and unsafe integers', () => {
  expect(() => b62Encode(1.5)).toThrow(RangeError);
  expect(() => b62Encode(Number.NaN)).toThrow(RangeError);
  expect(() => b62Encode(2 ** 60)).toThrow(RangeError);
  expect(() => b62Decode('zzzzzzzzzzzzzz')).toThrow(RangeError);
});

it('b64Decode accepts padding and the standard alphabet but rejects junk and impossible lengths', () => {
  expect(b64Decode('YQ').toString()).toBe('a');
  expect(b64Decode('YQ==').toString()).toBe('a');
  expect(b64Decode('YQ=').toString()).toBe('a');
  expect(b64Decode('-_8').equals(b64Decode('+/8'))).toBe(true);
  expect(b64Decode('').length).toBe(0);
  for (const bad of ['a', 'abcde', 'YWJj!', 'Y WJj', 'YQ=x', 'YQ===', 'é']) {
    expect(() => b64Decode(bad), bad).toThrow(Error);
  }
});

it('constantTimeEqual compares bytes, including across strings and arrays', () => {
  expect(constantTimeEqual('abc', 'abc')).toBe(true);
  expect(constantTimeEqual('abc', 'abd')).toBe(false);
  expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  expect(constantTimeEqual('', '')).toBe(true);
  expect(constantTimeEqual('é', Buffer.from('é'))).toBe(true);
  expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
});
