import { beforeAll, expect, it } from 'vitest';
import type { HashAlgorithm } from '../../src/signing/index.js';
import { BadSignature, SignatureExpired, Signer, TimestampSigner } from '../../src/signing/index.js';
import { describeWithDjango, djangoBatch, djangoError } from '../django/bridge.js';

const KEY = 'django-insecure-signer-test-key-0123456789';
const OLD_KEY = 'django-insecure-OLD-key-rotated-away';
const T0 = 1700000000;

interface SignCase {
  value: string;
  key?: string;
  salt?: string;
  sep?: string;
  algorithm?: HashAlgorithm;
}

const signCases: SignCase[] = [
  { value: 'hello' },
  { value: '' },
  { value: 'a:b:c' }, // the last separator splits
  { value: 'héllo wörld 😀 \u2028 \u0000' },
  { value: 'x'.repeat(10_000) },
  { value: 'hello', salt: 'my.custom.salt' },
  { value: 'hello', salt: '' }, // '' means the class default, as in Django
  { value: 'hello', key: 'clé-ключ-🔑' },
  { value: 'a/b/c', sep: '/' },
  { value: 'a.b', sep: '.' },
  { value: 'a~~b', sep: '~~' },
  { value: 'x', sep: ':\n' },
  { value: 'hello', algorithm: 'sha1' },
  { value: 'hello', algorithm: 'sha512' },
];

// Django's rule, including its quirks: `A-z` spans [\]^_` and `$` matches
// before a trailing newline.
const separators = [
  '',
  'a',
  'Z',
  '0',
  '-',
  '_',
  '=',
  '[',
  '\\',
  ']',
  '^',
  '`',
  'abc=',
  '\n',
  'a\n',
  '\n\n',
  ':',
  '/',
  '.',
  '@',
  '{',
  '|',
  '~',
  ' ',
  'a:',
  ':\n',
  'é',
  '--',
];

function ours(c: SignCase): Signer {
  return new Signer({ key: c.key ?? KEY, salt: c.salt, sep: c.sep, algorithm: c.algorithm });
}

function djangoArgs(c: SignCase): Record<string, unknown> {
  return {
    key: c.key ?? KEY,
    ...(c.salt === undefined ? {} : { salt: c.salt }),
    ...(c.sep === undefined ? {} : { sep: c.sep }),
    ...(c.algorithm === undefined ? {} : { algorithm: c.algorithm }),
  };
}

// Times (relative to a token stamped at T0) at which to check max_age = 10.
const ageChecks = [
  { at: T0 + 10, expired: false }, // age == max_age is accepted
  { at: T0 + 11, expired: true }, // 1 s over
  { at: T0 + 10.5, expired: true },
  { at: T0 + 9.999, expired: false },
  { at: T0 - 3600, expired: false }, // future timestamps pass
];

describeWithDjango('Signer and TimestampSigner interoperate with Django', () => {
  const batch = djangoBatch();
  const djangoSigned = signCases.map((c) => batch.add({ op: 'sign', ...djangoArgs(c), value: c.value }));
  const djangoUnsignedOurs = signCases.map((c) => batch.add({ op: 'unsign', ...djangoArgs(c), value: ours(c).sign(c.value) }));
  const djangoTampered = batch.add({ op: 'unsign', key: KEY, value: `${new Signer({ key: KEY }).sign('hello')}x` });
  const sepResults = separators.map((sep) => batch.add({ op: 'sign', key: KEY, sep, value: 'v' }));

  const stampTimes = [T0, T0 + 0.999, T0 + 61.5, 1234567890.25];
  const djangoStamped = stampTimes.map((time) => batch.add({ op: 'timestamp_sign', key: KEY, salt: 'ts.salt', value: 'payload:with:colons', time }));
  const tsSigner = (at: number, key = KEY): TimestampSigner => new TimestampSigner({ key, salt: 'ts.salt', now: () => at });
  const ourToken = tsSigner(T0).sign('value');
  const djangoAgeOfOurs = ageChecks.map(({ at }) => batch.add({ op: 'timestamp_unsign', key: KEY, salt: 'ts.salt', value: ourToken, max_age: 10, time: at }));
  const djangoTruncation = batch.add({
    op: 'timestamp_unsign',
    key: KEY,
    salt: 'ts.salt',
    value: tsSigner(T0 + 0.999).sign('v'),
    max_age: 10,
    time: T0 + 10.999,
  });

  const djangoOldKeySigned = batch.add({ op: 'sign', key: OLD_KEY, value: 'rotated' });
  const djangoOldKeyStamped = batch.add({ op: 'timestamp_sign', key: OLD_KEY, salt: 'ts.salt', value: 'rotated', time: T0 });
  const rotatingSigner = new Signer({ key: KEY, fallbackKeys: [OLD_KEY] });
  const djangoNewKeyCheck = batch.add({ op: 'unsign', key: KEY, value: rotatingSigner.sign('fresh') });
  const djangoOldKeyCheck = batch.add({ op: 'unsign', key: OLD_KEY, value: rotatingSigner.sign('fresh') });

  beforeAll(() => batch.run());

  it('signs byte-identically to Django (salts, separators, keys, algorithms)', () => {
    for (const [i, c] of signCases.entries()) expect(ours(c).sign(c.value), JSON.stringify(djangoArgs(c))).toBe(djangoSigned[i]!());
  });

  it('unsigns what Django signed, splitting at the last separator', () => {
    for (const [i, c] of signCases.entries()) expect(ours(c).unsign(djangoSigned[i]!() as string)).toBe(c.value);
  });

  it('produces signatures Django accepts', () => {
    for (const [i, c] of signCases.entries()) expect(djangoUnsignedOurs[i]!(), JSON.stringify(djangoArgs(c))).toBe(c.value);
  });

  it('rejects a tampered signature, as Django does', () => {
    expect(djangoError(djangoTampered())).toBe('BadSignature');
    const signed = new Signer({ key: KEY }).sign('hello');
    expect(() => new Signer({ key: KEY }).unsign(`${signed}x`)).toThrow(BadSignature);
    expect(() => new Signer({ key: KEY }).unsign(signed.replace('hello', 'hellO'))).toThrow(BadSignature);
    expect(() => new Signer({ key: 'other-key' }).unsign(signed)).toThrow(BadSignature);
    expect(() => new Signer({ key: KEY, salt: 'other' }).unsign(signed)).toThrow(BadSignature);
    expect(() => new Signer({ key: KEY, algorithm: 'sha1' }).unsign(signed)).toThrow(BadSignature);
  });

  it('validates the separator exactly like Django', () => {
    separators.forEach((sep, i) => {
      const djangoRejects = djangoError(sepResults[i]!()) === 'ValueError';
      const construct = (): Signer => new Signer({ key: KEY, sep });
      if (djangoRejects) expect(construct, JSON.stringify(sep)).toThrow(RangeError);
      else expect(construct().sign('v'), JSON.stringify(sep)).toBe(sepResults[i]!());
    });
    // Guard against a vacuous comparison: both outcomes must occur.
    expect(separators.filter((_, i) => djangoError(sepResults[i]!()) === 'ValueError').length).toBeGreaterThan(10);
    expect(separators.filter((_, i) => djangoError(sepResults[i]!()) === undefined).length).toBeGreaterThan(5);
  });

  it('timestamps with whole seconds, byte-identically to Django', () => {
    stampTimes.forEach((time, i) => {
      expect(tsSigner(time).sign('payload:with:colons')).toBe(djangoStamped[i]!());
      expect(tsSigner(time + 5).unsign(djangoStamped[i]!() as string, 10)).toBe('payload:with:colons');
    });
  });

  it('applies max_age like Django: age == maxAge passes, 1 s over fails, future passes', () => {
    const djangoToken = djangoStamped[0]!() as string;
    ageChecks.forEach(({ at, expired }, i) => {
      const label = `at T0${at - T0 >= 0 ? '+' : ''}${(at - T0).toFixed(3)}`;
      expect(djangoError(djangoAgeOfOurs[i]!()), `Django ${label}`).toBe(expired ? 'SignatureExpired' : undefined);
      for (const token of [ourToken, djangoToken]) {
        const unsign = (): string => tsSigner(at).unsign(token, 10);
        if (expired) expect(unsign, label).toThrow(SignatureExpired);
        else expect(unsign(), label).toMatch(/^(value|payload:with:colons)$/);
      }
    });
  });

  it('expires up to a second early because the timestamp is truncated, as Django does', () => {
    expect(djangoError(djangoTruncation())).toBe('SignatureExpired');
    const token = tsSigner(T0 + 0.999).sign('v');
    expect(() => tsSigner(T0 + 10.999).unsign(token, 10)).toThrow(SignatureExpired);
  });

  it('verifies with fallback keys in order, and signs with the current key', () => {
    const oldSigned = djangoOldKeySigned() as string;
    expect(new Signer({ key: KEY, fallbackKeys: [OLD_KEY] }).unsign(oldSigned)).toBe('rotated');
    expect(new Signer({ key: KEY, fallbackKeys: ['unrelated', OLD_KEY] }).unsign(oldSigned)).toBe('rotated');
    expect(() => new Signer({ key: KEY }).unsign(oldSigned)).toThrow(BadSignature);
    expect(() => new Signer({ key: KEY, fallbackKeys: ['unrelated'] }).unsign(oldSigned)).toThrow(BadSignature);

    const oldStamped = djangoOldKeyStamped() as string;
    expect(new TimestampSigner({ key: KEY, fallbackKeys: [OLD_KEY], salt: 'ts.salt', now: () => T0 }).unsign(oldStamped, 0)).toBe('rotated');
    expect(() => tsSigner(T0).unsign(oldStamped)).toThrow(BadSignature);

    expect(djangoNewKeyCheck()).toBe('fresh');
    expect(djangoError(djangoOldKeyCheck())).toBe('BadSignature');
  });
});

it('uses the class default salts, also for an empty salt', () => {
  expect(new Signer({ key: KEY }).salt).toBe('django.core.signing.Signer');
  expect(new Signer({ key: KEY, salt: '' }).salt).toBe('django.core.signing.Signer');
  expect(new TimestampSigner({ key: KEY }).salt).toBe('django.core.signing.TimestampSigner');
  expect(new TimestampSigner({ key: KEY, salt: 'x' }).salt).toBe('x');
});

it('treats a string key and its UTF-8 bytes alike, and honours an explicit signature key', () => {
  const key = 'clé';
  const fromString = new Signer({ key });
  const fromBytes = new Signer({ key: new TextEncoder().encode(key) });
  expect(fromBytes.sign('v')).toBe(fromString.sign('v'));
  expect(new Signer({ key: 'other' }).signature('v', key)).toBe(fromString.signature('v'));
  expect(fromString.signature('v')).toHaveLength(43);
  expect(new Signer({ key, algorithm: 'sha1' }).signature('v')).toHaveLength(27);
  expect(new Signer({ key, algorithm: 'sha512' }).signature('v')).toHaveLength(86);
});

it('rejects unusable keys and algorithms', () => {
  expect(() => new Signer({ key: '' })).toThrow(TypeError);
  expect(() => new Signer({ key: new Uint8Array(0) })).toThrow(TypeError);
  expect(() => new Signer({ key: KEY, fallbackKeys: [''] })).toThrow(TypeError);
  expect(() => new Signer({ key: KEY, algorithm: 'md5' as HashAlgorithm })).toThrow(TypeError);
});

it('reports a missing separator and rejects truncated signatures', () => {
  const signer = new Signer({ key: KEY });
  expect(() => signer.unsign('no separator here')).toThrow('No ":" found in value');
  expect(() => signer.unsign('')).toThrow(BadSignature);
  const signed = signer.sign('value');
  for (let end = 0; end < signed.length; end++) {
    expect(() => signer.unsign(signed.slice(0, end)), `prefix ${end}`).toThrow(BadSignature);
  }
});

it('SignatureExpired is a BadSignature, and NaN maxAge is refused', () => {
  const signer = new TimestampSigner({ key: KEY, now: () => T0 });
  const token = signer.sign('v');
  const later = new TimestampSigner({ key: KEY, now: () => T0 + 100 });
  let caught: unknown;
  try {
    later.unsign(token, 1);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SignatureExpired);
  expect(caught).toBeInstanceOf(BadSignature);
  expect(() => later.unsign(token, Number.NaN)).toThrow(TypeError);
  expect(later.unsign(token)).toBe('v');
});

it('keeps string and byte secrets apart in the derived-key cache', () => {
  const fromString = new Signer({ key: 'é' }); // UTF-8: c3 a9
  const fromLatin1Bytes = new Signer({ key: Buffer.from([0xe9]) });
  const fromUtf8Bytes = new Signer({ key: Buffer.from([0xc3, 0xa9]) });
  expect(fromLatin1Bytes.sign('v')).not.toBe(fromString.sign('v'));
  expect(fromUtf8Bytes.sign('v')).toBe(fromString.sign('v'));
  // Churn through more salts than the cache holds; results must not change.
  const before = fromString.signature('v');
  for (let i = 0; i < 300; i++) new Signer({ key: 'é', salt: `salt-${i}` }).signature('v');
  expect(new Signer({ key: 'é' }).signature('v')).toBe(before);
});
