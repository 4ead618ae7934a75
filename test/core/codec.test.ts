import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/core/codec.js';
import { SessionConfigError, SessionDataTooLarge } from '../../src/errors.js';
import { resolveOptions } from '../../src/options.js';
import { b64Encode, dumps, loads, TimestampSigner } from '../../src/signing/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const options = resolveOptions({ secret: TEST_SECRET, store: memoryStore() });
const salt = 'django.contrib.sessions.SessionStore';

describe('session codec', () => {
  it('encodes as signing.dumps with the session salt, readable by loads', () => {
    const codec = createCodec(options, salt, { engine: 'sqlite' });
    const token = codec.encode({ visit: 3 });
    expect(loads(token, { key: TEST_SECRET, salt })).toEqual({ visit: 3 });
    expect(codec.decode(dumps({ a: 'b' }, { key: TEST_SECRET, salt, compress: true }))).toEqual({ a: 'b' });
  });

  it('skips the zlib attempt on small sessions and compresses large ones', () => {
    const codec = createCodec(options, salt, { engine: 'sqlite' });
    const small = { a: 'x'.repeat(40) };
    expect(codec.encode(small).startsWith('.')).toBe(false);
    expect(dumps(small, { key: TEST_SECRET, salt, compress: true }).startsWith('.')).toBe(true);
    const large = { cart: Array.from({ length: 30 }, (_, i) => `item-${i}`) };
    const token = codec.encode(large);
    expect(token.startsWith('.')).toBe(true);
    expect(codec.decode(token)).toEqual(large);
  });

  it('decodes to null, reporting the reason, for what does not verify or is not an object', () => {
    const events: string[] = [];
    const codec = createCodec({ ...options, onSecurityEvent: (e) => events.push(e.type) }, salt, { engine: 'sqlite' });
    expect(codec.decode('garbage')).toBeNull();
    expect(codec.decode(dumps([1, 2], { key: TEST_SECRET, salt }))).toBeNull();
    expect(codec.decode(dumps({ a: 1 }, { key: `${TEST_SECRET}-other`, salt }))).toBeNull();
    expect(events).toEqual(['bad-signature', 'bad-payload', 'bad-signature']);
  });

  describe('plain format (the cache engines)', () => {
    const events: string[] = [];
    const codec = createCodec({ ...options, onSecurityEvent: (e) => events.push(e.type) }, salt, {
      engine: 'redis',
      format: 'plain',
    });

    it('stores the serialized data alone, as Django keeps the dict in its cache, and reads it back', () => {
      const data = { visit: 3, name: 'Zoë 😀', nested: { a: [1, 2] } };
      const text = codec.encode(data);
      expect(JSON.parse(text)).toEqual(data);
      expect(text).not.toMatch(/:[\w-]+:[\w-]+$/);
      expect(codec.decode(text)).toEqual(data);
    });

    it('still reads entries stored signed, and rejects what is neither', () => {
      events.length = 0;
      expect(codec.decode(dumps({ a: 'b' }, { key: TEST_SECRET, salt, compress: true }))).toEqual({ a: 'b' });
      expect(codec.decode(dumps({ a: 'b' }, { key: `${TEST_SECRET}-other`, salt }))).toBeNull();
      expect(codec.decode('{"a":')).toBeNull();
      expect(codec.decode('[1,2]')).toBeNull();
      expect(events).toEqual(['bad-signature', 'bad-payload', 'bad-payload']);
    });

    it("keeps another serializer's bytes intact", () => {
      const marker = Buffer.from([0xff, 0x00, 0x80]);
      const binary = {
        dumps: (value: unknown) => Buffer.concat([marker, Buffer.from(JSON.stringify(value), 'utf8')]),
        loads: (data: Buffer) => {
          if (!data.subarray(0, 3).equals(marker)) throw new Error('not written by this serializer');
          return JSON.parse(data.subarray(3).toString('utf8')) as unknown;
        },
      };
      const custom = createCodec({ ...options, serializer: binary }, salt, { engine: 'redis', format: 'plain' });
      const data = { name: 'Zoë 😀' };
      expect(custom.decode(custom.encode(data))).toEqual(data);
    });

    it('rejects what the serializer rejects, as the signed format does', () => {
      expect(() => codec.encode({ n: Number.NaN })).toThrow(TypeError);
    });
  });
});

describe('session codec: maxDataBytes, the same bound for saving and loading', () => {
  const limit = 4096;
  const tight = { ...options, maxDataBytes: limit, logger: recordingLogger() };
  // `{"blob":"…"}`: the JSON around the string takes 11 bytes.
  const ofSize = (bytes: number) => ({ blob: 'y'.repeat(bytes - 11) });

  describe.each(['signed', 'plain'] as const)('%s format', (format) => {
    it('encodes data of exactly the limit and decodes it back; refuses one byte more with SessionDataTooLarge and a warning', () => {
      const logger = recordingLogger();
      const codec = createCodec({ ...tight, logger }, salt, { engine: 'sqlite', format });
      expect(codec.decode(codec.encode(ofSize(limit)))).toEqual(ofSize(limit));
      const error = (() => {
        try {
          codec.encode(ofSize(limit + 1));
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(SessionDataTooLarge);
      expect(error).toMatchObject({ bytes: limit + 1, limit, status: 413 });
      expect(logger.warnings).toEqual([
        `sessionkit: a session of ${limit + 1} bytes was not saved ("sqlite" engine): it is over maxDataBytes (${limit} bytes, SESSION_MAX_DATA_BYTES); nothing was written.`,
      ]);
    });

    it('attack: data over the limit written by someone else decodes to null with a bad-payload event', () => {
      const events: string[] = [];
      const codec = createCodec({ ...tight, onSecurityEvent: (e) => events.push(e.message) }, salt, {
        engine: 'sqlite',
        format,
      });
      const roomy = createCodec({ ...options, maxDataBytes: 2 * limit }, salt, { engine: 'sqlite', format });
      expect(codec.decode(roomy.encode(ofSize(limit + 1)))).toBeNull();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatch(new RegExp(`more than (maxDataBytes \\()?${limit}`));
    });
  });

  it('counts the plain text in UTF-8 bytes, as a store writes it', () => {
    const codec = createCodec(tight, salt, { engine: 'redis', format: 'plain' });
    const text = { t: 'é'.repeat((limit - 8) / 2) }; // {"t":"…"} takes 8 bytes, each é 2
    expect(codec.decode(codec.encode(text))).toEqual(text);
    expect(() => codec.encode({ t: 'é'.repeat((limit - 8) / 2 + 1) })).toThrow(SessionDataTooLarge);
  });

  it('attack: incompressible data over the limit is refused too, not only what would inflate past it', () => {
    const random = { r: randomBytes(limit).toString('base64') };
    const codec = createCodec(tight, salt, { engine: 'sqlite' });
    expect(() => codec.encode(random)).toThrow(SessionDataTooLarge);
    const events: string[] = [];
    const strict = createCodec({ ...tight, onSecurityEvent: (e) => events.push(e.type) }, salt, { engine: 'sqlite' });
    expect(strict.decode(dumps(random, { key: TEST_SECRET, salt, compress: true }))).toBeNull();
    expect(events).toEqual(['bad-payload']);
  });

  it('rejects an unusable maxDataBytes at construction', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '1024' as never]) {
      expect(() => resolveOptions({ secret: TEST_SECRET, store: memoryStore(), maxDataBytes: bad })).toThrow(SessionConfigError);
    }
    expect(() => resolveOptions({ secret: TEST_SECRET, store: memoryStore(), maxDataBytes: 0 })).toThrow(
      /maxDataBytes.*SESSION_MAX_DATA_BYTES.*positive whole number of bytes/,
    );
  });
});

describe('session codec: validly signed data of the wrong shape', () => {
  const signedRaw = (json: string): string => new TimestampSigner({ key: TEST_SECRET, salt }).sign(b64Encode(Buffer.from(json, 'latin1')));
  const decodeBoth = (json: string) => {
    const events: Array<{ type: string; message: string }> = [];
    const report = { ...options, onSecurityEvent: (e: { type: string; message: string }) => events.push(e) };
    const signed = createCodec(report, salt, { engine: 'sqlite' }).decode(signedRaw(json));
    const plain = createCodec(report, salt, { engine: 'redis', format: 'plain' }).decode(json);
    return { signed, plain, events };
  };

  it('attack: JSON nested 5,000 levels deep (JSON.parse takes it; saving it again would overflow the stack) decodes to null', () => {
    const { signed, plain, events } = decodeBoth(`{"a":1,"deep":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`);
    expect(signed).toBeNull();
    expect(plain).toBeNull();
    expect(events).toEqual([
      {
        type: 'bad-shape',
        engine: 'sqlite',
        message: 'session data deep nests objects and arrays deeper than 100 levels',
      },
      {
        type: 'bad-shape',
        engine: 'redis',
        message: 'session data deep nests objects and arrays deeper than 100 levels',
      },
    ]);
  });

  it('attack: 1e400, which JSON.parse reads as Infinity and no serializer can write back, decodes to null', () => {
    const { signed, plain, events } = decodeBoth('{"cart":[{"price":1e400}]}');
    expect([signed, plain]).toEqual([null, null]);
    expect(events.map((e) => e.message)).toEqual(Array(2).fill('session data cart[0].price is Infinity; only finite numbers can be stored'));
  });

  it.each([
    ['attack: _session_expiry of true', 'true', 'must be a number of seconds or an ISO-8601 date, not a boolean'],
    ['attack: _session_expiry of an object', '{"days":3}', 'must be a number of seconds or an ISO-8601 date, not an object'],
    ['attack: _session_expiry of 1e300', '1e300', 'must fall within years 1 to 9999, and 1e+300 seconds from now does not'],
    ['attack: _session_expiry of 1.5', '1.5', 'must be a whole number of seconds, not 1.5'],
    ['attack: _session_expiry of text that is no date', '"soon"', 'must be a number of seconds or an ISO-8601 date, and this text is neither'],
    ['attack: _session_expiry in year 0', '"0000-06-01T00:00:00+00:00"', 'must fall within years 1 to 9999'],
  ])('%s: the expiry is ignored, the rest of the session kept', (_, expiry, reason) => {
    const { signed, plain, events } = decodeBoth(`{"user":"alice","_session_expiry":${expiry}}`);
    expect(signed).toEqual({ user: 'alice' });
    expect(plain).toEqual({ user: 'alice' });
    expect(events.map((e) => [e.type, e.message])).toEqual(Array(2).fill(['bad-shape', `_session_expiry ${reason}; it is ignored`]));
  });

  it('keeps the expiries Django writes', () => {
    const { signed, events } = decodeBoth('{"_session_expiry":"2023-11-14T22:14:50.500000+00:00","b":{"_session_expiry":true}}');
    expect(signed).toEqual({ _session_expiry: '2023-11-14T22:14:50.500000+00:00', b: { _session_expiry: true } });
    expect(decodeBoth('{"_session_expiry":300}').signed).toEqual({ _session_expiry: 300 });
    expect(decodeBoth('{"_session_expiry":null}').signed).toEqual({ _session_expiry: null });
    expect(events).toEqual([]);
  });
});
