/**
 * argon2 and bcrypt_sha256 hashes Django made, verified through each optional package. The hashes were made
 * by Django 3.2 with argon2-cffi 21.1 and bcrypt 3.2 (Debian's python3-argon2 and python3-bcrypt).
 */
import { describe, expect, it } from 'vitest';
import { type Argon2DriverName, type BcryptDriverName, verifyPassword } from '../../src/auth/index.js';
import { ARGON2_DRIVERS, BCRYPT_DRIVERS, hashVerifier } from '../../src/auth/passwords/drivers.js';
import { SessionConfigError } from '../../src/index.js';

const PASSWORD = 'naïve pässwörd 😀';
/** Django 3.2's make_password(PASSWORD, hasher='argon2'): argon2id, Django's m=102400, t=2, p=8. */
const DJANGO_ARGON2ID = 'argon2$argon2id$v=19$m=102400,t=2,p=8$TVZsaVJsOERsVFpJUlRoSk95ZzNvQQ$QYJPlEa7Wc7tbRFldTYRfg';
/** argon2i, as Django before 3.1 wrote it (argon2-cffi's low-level hash of 'old django', m=512, t=2, p=2). */
const OLD_DJANGO_ARGON2I = 'argon2$argon2i$v=19$m=512,t=2,p=2$c29tZXNhbHRzYWx0$SaUDS073YhCaNuOaRmfT0w';
/** Django 3.2's make_password(PASSWORD, hasher='bcrypt_sha256'). */
const DJANGO_BCRYPT_SHA256 = 'bcrypt_sha256$$2b$12$1n.3WJWTGyADaAx2DCzVQe1EYoDXyR3PkRCuhjX.unqLVtkzOb9Cm';
/**
 * Django 3.2's bcrypt_sha256 hasher (its class with 4 rounds instead of 12) on 'a' × 100, longer than
 * bcrypt's 72 bytes. The subject is the SHA-256 step, not the cost, which the hash above covers; at 12
 * rounds each of its six checks (two on each driver) takes about a quarter of a second.
 */
const DJANGO_BCRYPT_SHA256_LONG = 'bcrypt_sha256$$2b$04$yE3DwFrXxIyEy/OgIZSH2eRNZ4K8XtkZE/nEoBF7h7Sh0J6Hiw87W';

describe.each(ARGON2_DRIVERS.map((driver) => [driver]))('argon2 through %s', (driver: Argon2DriverName) => {
  it("accepts the right password for Django's argon2id hash and refuses a wrong one", async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_ARGON2ID, { argon2: driver })).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, DJANGO_ARGON2ID, { argon2: driver })).toBe(false);
  });

  it("accepts older Django's argon2i hashes", async () => {
    expect(await verifyPassword('old django', OLD_DJANGO_ARGON2I, { argon2: driver })).toBe(true);
    expect(await verifyPassword('new django', OLD_DJANGO_ARGON2I, { argon2: driver })).toBe(false);
  });
});

describe.each(BCRYPT_DRIVERS.map((driver) => [driver]))('bcrypt_sha256 through %s', (driver: BcryptDriverName) => {
  it("accepts the right password for Django's bcrypt_sha256 hash and refuses a wrong one", async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_BCRYPT_SHA256, { bcrypt: driver })).toBe(true);
    expect(await verifyPassword('naive', DJANGO_BCRYPT_SHA256, { bcrypt: driver })).toBe(false);
  });

  it('tells apart passwords that differ after 72 bytes (the SHA-256 step)', async () => {
    expect(await verifyPassword('a'.repeat(100), DJANGO_BCRYPT_SHA256_LONG, { bcrypt: driver })).toBe(true);
    expect(await verifyPassword(`${'a'.repeat(99)}b`, DJANGO_BCRYPT_SHA256_LONG, { bcrypt: driver })).toBe(false);
  });
});

describe('driver choice', () => {
  it('uses the first installed package when none is named', async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_ARGON2ID)).toBe(true);
    expect(await verifyPassword(PASSWORD, DJANGO_BCRYPT_SHA256)).toBe(true);
  });

  it('refuses a name that is not a driver', async () => {
    for (const name of ['bcrypt', 'toString', '__proto__']) {
      await expect(verifyPassword(PASSWORD, DJANGO_ARGON2ID, { argon2: name as never })).rejects.toThrow(`"${name}" is not one of the argon2 drivers`);
    }
  });

  it('says which packages to install when none of them loads', () => {
    let caught: unknown;
    try {
      hashVerifier('argon2', undefined, ['no-such-argon2', 'another-missing-one']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SessionConfigError);
    expect((caught as Error).message).toBe(
      "sessionkit: Verifying Django's argon2 password hashes needs one of the packages no-such-argon2, another-missing-one: npm install no-such-argon2",
    );
    expect(((caught as Error).cause as AggregateError).errors).toHaveLength(2);
  });
});
