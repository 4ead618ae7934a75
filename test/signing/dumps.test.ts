import { inflateSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { b64Decode, dumps, jsonSerializer, loads, SignatureExpired } from '../../src/signing/index.js';
import { describeWithDjango, djangoBatch, djangoError } from '../django/bridge.js';

const SECRET_KEY = 'django-insecure-dumps-test-key-0123456789abcdef';
const SESSION_SALT = 'django.contrib.sessions.SessionStore';
const T0 = 1700000000;
const now = (): number => T0;

const bigObject = {
  items: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'], ok: i % 2 === 0 })),
  note: 'répété '.repeat(200),
};

const values: unknown[] = [
  { foo: 'bar' },
  'hello',
  42,
  -7,
  null,
  true,
  [],
  {},
  Array.from({ length: 19 }, (_, i) => i + 1), // Django's docstring example, list(range(1, 20))
  { nested: { deeper: [1, { x: 'y' }, [[], {}]] }, 'key with spaces': 'ü' },
  bigObject,
  // zlib saves exactly 2 bytes here (compressed) and exactly 1 byte here (not):
  // the boundary of Django's `len(c) < len(data) - 1` rule.
  'ababababababa',
  'ababababababb',
];

// Strings and structures whose JSON encoding must match Python byte for byte.
const jsonSamples: unknown[] = [
  'plain ascii',
  'é ü ß ñ',
  '\u0000\u0001\u0008\u0009\u000a\u000b\u000c\u000d\u001f',
  '\u007f DEL and \u0080 \u009f \u00a0 \u00ff',
  '\u2028\u2029 \ufeff \uffff',
  '😀 𝄞 astral',
  '\ud800 lone high, \udc00 lone low',
  'quotes " and \' and backslash \\ and slash / and </script>',
  { a: { b: [1, { c: 'd' }], e: null }, f: true, g: false, h: [] },
  { z: 1, a: 2, m: { y: 1, b: 2 } }, // insertion order, not sorted
  [0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
  { ключ: 'значение', '😀': ['😀'] },
  '',
  [],
  {},
];

const sessions: Array<Record<string, unknown>> = [
  { foo: 'bar' },
  { _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'ab'.repeat(32) },
  { cart: bigObject.items.slice(0, 100), name: 'José 😀' },
];

function payloadBytes(token: string): Buffer {
  const payload = token.slice(0, token.indexOf(':'));
  return payload.startsWith('.') ? inflateSync(b64Decode(payload.slice(1))) : b64Decode(payload);
}

describeWithDjango('dumps / loads, JSON and session encoding interoperate with Django', () => {
  const batch = djangoBatch({ SECRET_KEY });
  const djangoDumps = values.map((obj) => ({
    plain: batch.add({ op: 'dumps', obj, time: T0 }),
    compressed: batch.add({ op: 'dumps', obj, compress: true, time: T0 }),
  }));
  const ourDumps = values.map((obj) => ({
    plain: dumps(obj, { key: SECRET_KEY, now }),
    compressed: dumps(obj, { key: SECRET_KEY, compress: true, now }),
  }));
  const djangoLoadsOurs = ourDumps.map((t) => ({
    plain: batch.add({ op: 'loads', token: t.plain }),
    compressed: batch.add({ op: 'loads', token: t.compressed }),
  }));

  const saltVariants = ['custom.salt', ''];
  const djangoSalted = saltVariants.map((salt) => batch.add({ op: 'dumps', obj: { s: 1 }, salt, time: T0 }));

  const ourAged = dumps({ a: 1 }, { key: SECRET_KEY, now });
  const djangoAgeChecks = [10, 11].map((delta) => batch.add({ op: 'loads', token: ourAged, max_age: 10, time: T0 + delta }));

  const djangoJson = jsonSamples.map((obj) => batch.add({ op: 'json_dumps', obj }));

  const djangoEncoded = sessions.map((data) => batch.add({ op: 'session_encode', data, time: T0 }));
  const ourEncoded = sessions.map((data) => dumps(data, { key: SECRET_KEY, salt: SESSION_SALT, compress: true, now }));
  const djangoDecodedOurs = ourEncoded.map((data) => batch.add({ op: 'session_decode', data }));

  beforeAll(() => batch.run());

  it('loads what Django dumps, with and without compression', () => {
    values.forEach((value, i) => {
      expect(loads(djangoDumps[i]!.plain() as string, { key: SECRET_KEY })).toEqual(value);
      expect(loads(djangoDumps[i]!.compressed() as string, { key: SECRET_KEY })).toEqual(value);
    });
  });

  it('dumps exactly what Django dumps when uncompressed', () => {
    for (const [i, _] of values.entries()) expect(ourDumps[i]!.plain).toBe(djangoDumps[i]!.plain());
  });

  it('compresses exactly when Django does, to the same data', () => {
    values.forEach((value, i) => {
      const djangoToken = djangoDumps[i]!.compressed() as string;
      const ourToken = ourDumps[i]!.compressed;
      expect(ourToken.startsWith('.'), JSON.stringify(value).slice(0, 40)).toBe(djangoToken.startsWith('.'));
      expect(payloadBytes(ourToken).equals(payloadBytes(djangoToken))).toBe(true);
      // Same zlib output or not, an uncompressed token must be identical.
      if (!djangoToken.startsWith('.')) expect(ourToken).toBe(djangoToken);
    });
    // The sample set must exercise both branches of the decision.
    expect(ourDumps.filter((t) => t.compressed.startsWith('.')).length).toBeGreaterThanOrEqual(2);
    expect(ourDumps.filter((t) => !t.compressed.startsWith('.')).length).toBeGreaterThanOrEqual(2);
  });

  it("handles Django's docstring example dumps(list(range(1, 20)), compress=True)", () => {
    const range = Array.from({ length: 19 }, (_, i) => i + 1);
    const i = values.findIndex((v) => Array.isArray(v) && v.length === 19);
    const djangoToken = djangoDumps[i]!.compressed() as string;
    expect(djangoToken.startsWith('.')).toBe(true);
    expect(loads(djangoToken, { key: SECRET_KEY })).toEqual(range);
    expect(ourDumps[i]!.compressed.startsWith('.')).toBe(true);
    expect(djangoLoadsOurs[i]!.compressed()).toEqual(range);
  });

  it('produces tokens Django loads, with and without compression', () => {
    values.forEach((value, i) => {
      expect(djangoLoadsOurs[i]!.plain()).toEqual(value);
      expect(djangoLoadsOurs[i]!.compressed()).toEqual(value);
    });
  });

  it('applies the salt like Django, including the empty-salt default', () => {
    saltVariants.forEach((salt, i) => {
      const token = djangoSalted[i]!() as string;
      expect(dumps({ s: 1 }, { key: SECRET_KEY, salt, now })).toBe(token);
      expect(loads(token, { key: SECRET_KEY, salt })).toEqual({ s: 1 });
      expect(() => loads(token, { key: SECRET_KEY })).toThrow();
    });
    expect(loads(djangoSalted[1]!() as string, { key: SECRET_KEY, salt: 'django.core.signing.TimestampSigner' })).toEqual({ s: 1 });
  });

  it('agrees with Django on max_age', () => {
    expect(djangoAgeChecks[0]!()).toEqual({ a: 1 });
    expect(djangoError(djangoAgeChecks[1]!())).toBe('SignatureExpired');
    expect(loads(ourAged, { key: SECRET_KEY, maxAge: 10, now: () => T0 + 10 })).toEqual({ a: 1 });
    expect(() => loads(ourAged, { key: SECRET_KEY, maxAge: 10, now: () => T0 + 11 })).toThrow(SignatureExpired);
  });

  it('serializes JSON byte-identically to Django', () => {
    jsonSamples.forEach((value, i) => {
      const ours = jsonSerializer.dumps(value);
      expect(ours.toString('latin1'), JSON.stringify(value)).toBe(djangoJson[i]!());
      expect(ours.every((byte) => byte >= 0x20 && byte < 0x7f)).toBe(true);
      expect(jsonSerializer.loads(Buffer.from(djangoJson[i]!() as string, 'latin1'))).toEqual(value);
    });
  });

  it("decodes Django's session encoding with the SessionStore salt", () => {
    sessions.forEach((data, i) => {
      const token = djangoEncoded[i]!() as string;
      expect(loads(token, { key: SECRET_KEY, salt: SESSION_SALT })).toEqual(data);
      if (!token.startsWith('.')) expect(ourEncoded[i]).toBe(token);
      expect(() => loads(token, { key: SECRET_KEY })).toThrow();
    });
    expect(ourEncoded.some((t) => t.startsWith('.'))).toBe(true);
  });

  it('encodes sessions that Django decodes', () => {
    for (const [i, data] of sessions.entries()) expect(djangoDecodedOurs[i]!()).toEqual(data);
  });
});

it('refuses values JSON cannot carry faithfully', () => {
  expect(() => jsonSerializer.dumps(Number.NaN)).toThrow(TypeError);
  expect(() => jsonSerializer.dumps({ a: [1, Number.POSITIVE_INFINITY] })).toThrow(TypeError);
  expect(() => jsonSerializer.dumps(undefined)).toThrow(TypeError);
  expect(() => jsonSerializer.dumps(10n)).toThrow(TypeError);
  expect(jsonSerializer.dumps({ a: null, b: 'null' }).toString()).toBe('{"a":null,"b":"null"}');
});
