import { describe, expect, it } from 'vitest';
import { engineFor, serverStore } from '../../src/core/engine.js';
import { resolveOptions } from '../../src/options.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';

describe('the engine a store option makes', () => {
  it('wraps a server-side store in the store engine and lets signedCookies() make its own', () => {
    const store = memoryStore();
    const cookies = signedCookies();
    expect(serverStore(store)).toBe(store);
    expect(serverStore(cookies)).toBeNull();
    expect(engineFor(store, resolveOptions({ secret: TEST_SECRET, store })).name).toBe('memory');
    const engine = engineFor(cookies, resolveOptions({ secret: TEST_SECRET, store: cookies }));
    expect(engine.name).toBe('signed_cookies');
    expect(engine.keyFromCookie('short')).toBeNull();
  });
});
