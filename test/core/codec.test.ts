import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/core/codec.js';
import { resolveOptions } from '../../src/options.js';
import { dumps, loads } from '../../src/signing/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';

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
    const codec = createCodec({ ...options, onSecurityEvent: (e) => events.push(e.type) }, salt, { engine: 'redis', format: 'plain' });

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
