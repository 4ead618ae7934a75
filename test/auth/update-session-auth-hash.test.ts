/**
 * `updateSessionAuthHash` as Django's `update_session_auth_hash`: the session that changed the password
 * stays logged in under a new key; the user's other sessions end.
 */
import { describe, expect, it } from 'vitest';
import { HASH_SESSION_KEY, MODEL_BACKEND, sessionAuthHash } from '../../src/auth/index.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { alice, authApp, bob } from './harness.js';

describe('updateSessionAuthHash', () => {
  it("keeps the session that changed the password logged in, under a new key, and ends the user's other sessions", async () => {
    const app = authApp();
    const { key: here } = await app.request(null, (session) => app.auth.login(session, alice));
    const { key: elsewhere } = await app.request(null, (session) => app.auth.login(session, alice));

    const changed = app.users.change(1, { passwordHash: 'pbkdf2_sha256$1$s$changed' });
    const { result: updated, key: newKey } = await app.request(here, (session) => app.auth.updateSessionAuthHash(session, changed));
    expect(updated).toBe(true);
    expect(newKey).not.toBe(here);
    expect((await app.stored(newKey!))[HASH_SESSION_KEY]).toBe(sessionAuthHash(changed, TEST_SECRET));
    expect(await app.stored(here!)).toEqual({});

    expect((await app.request(newKey, (session) => app.auth.getUser(session))).result).toEqual(changed);
    expect(await app.request(elsewhere, (session) => app.auth.getUser(session))).toEqual({ result: null, key: null });
  });

  it("only cycles the key of a session logged in as someone else, leaving that login's hash alone", async () => {
    const app = authApp();
    const { key: bobs } = await app.request(null, (session) => app.auth.login(session, bob));
    const hashBefore = (await app.stored(bobs!))[HASH_SESSION_KEY];
    const changedAlice = app.users.change(1, { passwordHash: 'pbkdf2_sha256$1$s$changed' });
    const { result, key } = await app.request(bobs, (session) => app.auth.updateSessionAuthHash(session, changedAlice));
    expect(result).toBe(false);
    expect(key).not.toBe(bobs);
    expect((await app.stored(key!))[HASH_SESSION_KEY]).toBe(hashBefore);
  });

  it('leaves a login through a backend that is not configured as it is', async () => {
    const app = authApp({ backends: [MODEL_BACKEND, 'myapp.Other'] });
    const { key } = await app.request(null, (session) => app.auth.login(session, alice, { backend: 'myapp.Other' }));
    const narrower = authApp({ users: app.users });
    const { key: copied } = await narrower.request(null, async (session) => session.update(await app.stored(key!)));
    const { result } = await narrower.request(copied, (session) => narrower.auth.updateSessionAuthHash(session, alice));
    expect(result).toBe(false);
  });
});
