import { describe, expect, it } from 'vitest';
import { readCookie } from '../../src/cookies/parse.js';
import { httpDate, serializeCookie, serializeDeletion } from '../../src/cookies/serialize.js';

const T0 = 1700000000_000;
/** Django's defaults for a cookie that lasts as long as the browser session: no Max-Age, no expires. */
const BROWSER_SESSION: Parameters<typeof serializeCookie>[2] = {
  domain: null,
  path: '/',
  secure: false,
  httpOnly: true,
  sameSite: 'Lax',
  maxAge: null,
  expiresAt: null,
};

describe('serializeCookie (Django §5.3)', () => {
  it('writes a new session cookie byte-for-byte as Django does', () => {
    expect(
      serializeCookie('sessionid', 'k0000000000000000000000000000001', {
        domain: null,
        path: '/',
        secure: false,
        httpOnly: true,
        sameSite: 'Lax',
        maxAge: 1209600,
        expiresAt: T0 + 1209600_000,
      }),
    ).toBe('sessionid=k0000000000000000000000000000001; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax');
  });

  it("orders every attribute as Python's Morsel does", () => {
    expect(
      serializeCookie('mysess', 'abcdefgh', {
        domain: '.example.com',
        path: '/app',
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
        maxAge: 1209600,
        expiresAt: T0 + 1209600_000,
      }),
    ).toBe('mysess=abcdefgh; Domain=.example.com; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/app; SameSite=Strict; Secure');
  });

  it('omits Max-Age and expires for a browser-session cookie, and SameSite when false', () => {
    expect(serializeCookie('sessionid', 'abcdefgh', BROWSER_SESSION)).toBe('sessionid=abcdefgh; HttpOnly; Path=/; SameSite=Lax');
    expect(
      serializeCookie('sessionid', 'abcdefgh', {
        domain: null,
        path: '/',
        secure: false,
        httpOnly: false,
        sameSite: false,
        maxAge: 300,
        expiresAt: T0 + 300_000,
      }),
    ).toBe('sessionid=abcdefgh; expires=Tue, 14 Nov 2023 22:18:20 GMT; Max-Age=300; Path=/');
  });

  it('writes signed-cookie tokens unquoted', () => {
    const token = '.eJyrVkrLz1eyUkpKLFKqBQAdegQ0:1r31eq:Z54F2ppzsrQrAlJLmG6p5Eowpraumpa4o6J5WucqK18';
    expect(serializeCookie('sessionid', token, BROWSER_SESSION)).toBe(`sessionid=${token}; HttpOnly; Path=/; SameSite=Lax`);
  });

  it("deletes as Django's delete_cookie does: empty quoted value, the epoch, no HttpOnly", () => {
    expect(serializeDeletion('sessionid', null, '/', 'Lax')).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
    expect(serializeDeletion('sessionid', '.example.com', '/app', 'None')).toBe(
      'sessionid=""; Domain=.example.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app; SameSite=None; Secure',
    );
    expect(serializeDeletion('__Host-sid', null, '/', 'Lax')).toContain('; Secure');
    expect(serializeDeletion('sid', null, '/', false)).toBe('sid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/');
  });

  it('formats http dates with truncated seconds', () => {
    expect(httpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(httpDate(T0 + 999)).toBe('Tue, 14 Nov 2023 22:13:20 GMT');
  });
});

describe('readCookie (Django parse_cookie)', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['other=1', undefined],
    ['sessionid=abc', 'abc'],
    ['a=1; sessionid=abc; b=2', 'abc'],
    ['sessionid=first; sessionid=second', 'second'],
    ['  sessionid  =  spaced  ', 'spaced'],
    ['sessionid="quoted\\"value"', 'quoted"value'],
    ['sessionid="\\101BC"', 'ABC'],
    ['sessionid=', ''],
    ['xsessionid=abc', undefined],
    ['sessionidx=abc', undefined],
    ['sessionid=a=b=c', 'a=b=c'],
    ['noequals; sessionid=ok', 'ok'],
    ['x=sessionid=abc', undefined],
    ['x=sessionid; sessionid=z', 'z'],
    ['sessionid; other=1', undefined],
    ['sessionid=a=b', 'a=b'],
    ['sessionid=abc;', 'abc'],
    ['sessionid=abc; sessionidx=no; x=sessionid', 'abc'],
    ['\tsessionid\t=\tt\t', 't'],
  ])('%j -> %j', (header, expected) => {
    expect(readCookie(header, 'sessionid')).toBe(expected);
  });
});
