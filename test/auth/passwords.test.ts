/**
 * Django's password hashes: makePassword writes what Django's make_password writes, verifyPassword accepts
 * what Django's check_password accepts. The vectors below were made by Django 3.2 (through
 * test/django/bridge.py); test/django/interop-auth.test.ts checks both directions against a running Django.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PBKDF2_ITERATIONS, isPasswordUsable, makePassword, verifyPassword } from '../../src/auth/index.js';
import { hasherOf } from '../../src/auth/passwords/encoded-password.js';
import { SessionConfigError } from '../../src/index.js';

const UNICODE_PASSWORD = 'naïve pässwörd 😀';
/** Django 3.2: make_password(UNICODE_PASSWORD, 'Wd5JNGhwXkRlQzBhaUtu', hasher=…) at its 260,000 iterations. */
const DJANGO_PBKDF2_SHA256 = 'pbkdf2_sha256$260000$Wd5JNGhwXkRlQzBhaUtu$FFQywvuLBTbsCwZ6GQ77sm8i14CgE+EqsUZTdCHPQno=';
const DJANGO_PBKDF2_SHA1 = 'pbkdf2_sha1$260000$Wd5JNGhwXkRlQzBhaUtu$FKSLD15do2lzpNgBDpSZVDwqUBc=';
/** Django 3.2's PBKDF2PasswordHasher.encode('correct horse', 's4ltS4LT', 1000000): Django 5.2's count. */
const DJANGO_PBKDF2_1M = 'pbkdf2_sha256$1000000$s4ltS4LT$dgTOx3mO2Fo/jAJcnjhg4jYyqInyM53vkXb32Ykrtow=';
/**
 * Django 3.2's encode(UNICODE_PASSWORD, 'Wd5JNGhwXkRlQzBhaUtu', 1000) of each PBKDF2 hasher: the tests' low count,
 * for the refusals, whose subject is not the count (a wrong password costs what the stored count costs).
 */
const DJANGO_PBKDF2_SHA256_FAST = 'pbkdf2_sha256$1000$Wd5JNGhwXkRlQzBhaUtu$SA5eRJqB01X6G8rH/5kpuUhJpgruxMfpX7ySqe8gzSo=';
const DJANGO_PBKDF2_SHA1_FAST = 'pbkdf2_sha1$1000$Wd5JNGhwXkRlQzBhaUtu$h+1Q7mAIFly6UadakShKVCiuLtQ=';

// Fast failures: these tests are about answers, not timing.
const FAST = { iterations: 1 };

describe('makePassword', () => {
  it("writes Django's default format: pbkdf2_sha256, Django 5.2's 1,000,000 iterations, a 22-character salt", async () => {
    const encoded = await makePassword('s3cret');
    expect(DEFAULT_PBKDF2_ITERATIONS).toBe(1_000_000);
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('s3cret', encoded)).toBe(true);
  });

  it("gives the bytes Django's encode gives for the same salt and count", async () => {
    expect(await makePassword('correct horse', { salt: 's4ltS4LT' })).toBe(DJANGO_PBKDF2_1M);
    expect(await makePassword(UNICODE_PASSWORD, { salt: 'Wd5JNGhwXkRlQzBhaUtu', iterations: 260_000 })).toBe(DJANGO_PBKDF2_SHA256);
  });

  it('draws a new salt each time', async () => {
    const [a, b] = await Promise.all([makePassword('same', FAST), makePassword('same', FAST)]);
    expect(a.split('$')[2]).not.toBe(b.split('$')[2]);
  });

  it('runs off the event loop: timers still fire while it hashes', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await makePassword('slow', { iterations: 400_000 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it("makes an unusable password from null, as Django's make_password(None)", async () => {
    const encoded = await makePassword(null);
    expect(encoded).toMatch(/^![A-Za-z0-9]{40}$/);
    expect(isPasswordUsable(encoded)).toBe(false);
    expect(await verifyPassword('', encoded, FAST)).toBe(false);
  });

  it.each([
    ['zero iterations', { iterations: 0 }],
    ['fractional iterations', { iterations: 1.5 }],
    ['too many iterations', { iterations: 2 ** 31 }],
    ['an empty salt', { salt: '' }],
    ['a salt with "$"', { salt: 'a$b' }],
  ])('refuses %s', async (_label, options) => {
    await expect(makePassword('x', options)).rejects.toThrow(SessionConfigError);
  });

  it('refuses a password that is not a string', async () => {
    await expect(makePassword(42 as never, FAST)).rejects.toThrow(TypeError);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password for pbkdf2_sha256 and pbkdf2_sha1 hashes Django made, at any count', async () => {
    expect(await verifyPassword(UNICODE_PASSWORD, DJANGO_PBKDF2_SHA256)).toBe(true);
    expect(await verifyPassword(UNICODE_PASSWORD, DJANGO_PBKDF2_SHA1)).toBe(true);
    expect(await verifyPassword('correct horse', DJANGO_PBKDF2_1M)).toBe(true);
  });

  it('refuses a wrong password, a differently normalised one and one with a trailing space', async () => {
    // The right one matches these hashes (so the refusals below are the password's doing).
    expect(await verifyPassword(UNICODE_PASSWORD, DJANGO_PBKDF2_SHA256_FAST, FAST)).toBe(true);
    expect(await verifyPassword(UNICODE_PASSWORD, DJANGO_PBKDF2_SHA1_FAST, FAST)).toBe(true);
    for (const wrong of ['naive pässwörd 😀', UNICODE_PASSWORD.normalize('NFD'), `${UNICODE_PASSWORD} `, '']) {
      expect(await verifyPassword(wrong, DJANGO_PBKDF2_SHA256_FAST, FAST)).toBe(false);
    }
    expect(await verifyPassword('wrong', DJANGO_PBKDF2_SHA1_FAST, FAST)).toBe(false);
  });

  it.each([
    ['an unusable password', '!abcdefghijklmnopqrstuvwxyz0123456789ABCD'],
    ['an unusable password that looks like a hash', `!${DJANGO_PBKDF2_SHA256}`],
    ['an empty value', ''],
    ['null', null],
    ['an unknown hasher', 'md5$salt$9a0b8f8e1d5b3c3c1b1e3f0a2f4e5d6c'],
    ['an unsalted MD5 hash', '5f4dcc3b5aa765d61d8327deb882cf99'],
    ['a count that is not a number', 'pbkdf2_sha256$many$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I='],
    ['a count with a leading zero', 'pbkdf2_sha256$01$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I='],
    ['a zero count', 'pbkdf2_sha256$0$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I='],
    ['a count beyond PBKDF2', 'pbkdf2_sha256$99999999999$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I='],
    ['no salt', 'pbkdf2_sha256$1$$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I='],
    ['no hash', 'pbkdf2_sha256$1$s'],
    ['a hash with more fields', 'pbkdf2_sha256$1$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I=$x'],
    ['the hash without its padding', 'pbkdf2_sha256$1$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I'],
    ['an argon2 hash that is not one', 'argon2$garbage'],
    ['an argon2 hash with broken parameters', 'argon2$argon2id$v=19$m=x,t=2,p=8$c29tZXNhbHQ$QYJPlEa7Wc7tbRFldTYRfg'],
    ['a bcrypt_sha256 hash that is not one', 'bcrypt_sha256$$2b$12$short'],
  ])('never matches %s', async (_label, encoded) => {
    // 'x' made with salt 's' at 1 iteration is the valid hash these malformed ones were cut from.
    expect(await verifyPassword('x', encoded, FAST)).toBe(false);
  });

  it('matches the valid hash the malformed cases above were cut from (so they fail for their defect)', async () => {
    expect(await verifyPassword('x', 'pbkdf2_sha256$1$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I=')).toBe(true);
  });

  it('never matches a password that is not a string', async () => {
    for (const password of [null, undefined, 1, ['x']]) {
      expect(await verifyPassword(password as never, 'pbkdf2_sha256$1$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I=', FAST)).toBe(false);
    }
  });

  it('refuses a bad iterations option', async () => {
    await expect(verifyPassword('x', DJANGO_PBKDF2_SHA1, { iterations: -1 })).rejects.toThrow(SessionConfigError);
  });
});

describe('hasherOf', () => {
  it.each([
    [DJANGO_PBKDF2_SHA256, 'pbkdf2_sha256'],
    ['argon2$argon2id$v=19$…', 'argon2'],
    ['bcrypt_sha256$$2b$12$…', 'bcrypt_sha256'],
    ['5f4dcc3b5aa765d61d8327deb882cf99', 'unsalted_md5'],
    ['md5$$5f4dcc3b5aa765d61d8327deb882cf99', 'unsalted_md5'],
    ['sha1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8', 'unsalted_sha1'],
    ['nodollar', 'nodollar'],
    ['', null],
  ])('reads %s as %s, as Django identify_hasher does', (encoded, hasher) => {
    expect(hasherOf(encoded)).toBe(hasher);
  });
});
