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
    const codec = createCodec(options, salt, 'memory');
    const token = codec.encode({ visit: 3 });
    expect(loads(token, { key: TEST_SECRET, salt })).toEqual({ visit: 3 });
    expect(codec.decode(dumps({ a: 'b' }, { key: TEST_SECRET, salt, compress: true }))).toEqual({ a: 'b' });
  });

  it('skips the zlib attempt on small sessions and compresses large ones', () => {
    const codec = createCodec(options, salt, 'memory');
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
    const codec = createCodec({ ...options, onSecurityEvent: (e) => events.push(e.type) }, salt, 'memory');
    expect(codec.decode('garbage')).toBeNull();
    expect(codec.decode(dumps([1, 2], { key: TEST_SECRET, salt }))).toBeNull();
    expect(codec.decode(dumps({ a: 1 }, { key: `${TEST_SECRET}-other`, salt }))).toBeNull();
    expect(events).toEqual(['bad-signature', 'bad-payload', 'bad-signature']);
  });
});
