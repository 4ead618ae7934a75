import { describe, expect, it } from 'vitest';
import { decideResponse, mergeVary, type ResponseFacts } from '../../src/policy.js';

// Django's SessionMiddleware.process_response (spec §5.2), row by row.
const base: ResponseFacts = {
  cookieSent: false,
  accessed: false,
  modified: false,
  empty: true,
  saveEveryRequest: false,
  status: 200,
};

const table: Array<[string, Partial<ResponseFacts>, { deleteCookie: boolean; save: boolean; vary: boolean }]> = [
  ['untouched request without cookie', {}, { deleteCookie: false, save: false, vary: false }],
  ['untouched request with a valid cookie', { cookieSent: true, empty: false }, { deleteCookie: false, save: false, vary: false }],
  ['stale or short cookie, untouched session: deleted all the same', { cookieSent: true, empty: true }, { deleteCookie: true, save: false, vary: true }],
  [
    'flushed session (cookie sent, empty, modified): delete, never save',
    { cookieSent: true, accessed: true, modified: true, empty: true },
    { deleteCookie: true, save: false, vary: true },
  ],
  ['read only', { cookieSent: true, accessed: true, empty: false }, { deleteCookie: false, save: false, vary: true }],
  ['read of a new empty session', { accessed: true }, { deleteCookie: false, save: false, vary: true }],
  ['modified existing session', { cookieSent: true, accessed: true, modified: true, empty: false }, { deleteCookie: false, save: true, vary: true }],
  ['modified new session', { accessed: true, modified: true, empty: false }, { deleteCookie: false, save: true, vary: true }],
  ['modified but empty new session is never saved', { accessed: true, modified: true, empty: true }, { deleteCookie: false, save: false, vary: true }],
  [
    'save every request, unmodified, not accessed: saves and varies (CVE-2026-35192)',
    { cookieSent: true, empty: false, saveEveryRequest: true },
    { deleteCookie: false, save: true, vary: true },
  ],
  ['save every request with an empty new session: nothing', { saveEveryRequest: true }, { deleteCookie: false, save: false, vary: false }],
  [
    '500: no save, vary kept when accessed',
    { cookieSent: true, accessed: true, modified: true, empty: false, status: 500 },
    { deleteCookie: false, save: false, vary: true },
  ],
  ['503: no save (Django 4.2+: every 5xx)', { accessed: true, modified: true, empty: false, status: 503 }, { deleteCookie: false, save: false, vary: true }],
  [
    '599 not accessed, save every request: nothing',
    { cookieSent: true, empty: false, saveEveryRequest: true, status: 599 },
    { deleteCookie: false, save: false, vary: false },
  ],
  ['499 still saves', { accessed: true, modified: true, empty: false, status: 499 }, { deleteCookie: false, save: true, vary: true }],
  ['404 saves', { accessed: true, modified: true, empty: false, status: 404 }, { deleteCookie: false, save: true, vary: true }],
  [
    '5xx after flush still deletes the cookie',
    { cookieSent: true, accessed: true, modified: true, empty: true, status: 500 },
    { deleteCookie: true, save: false, vary: true },
  ],
];

describe('decideResponse (Django §5.2)', () => {
  it.each(table)('%s', (_, facts, expected) => {
    expect(decideResponse({ ...base, ...facts })).toEqual(expected);
  });
});

describe('mergeVary (patch_vary_headers)', () => {
  it.each([
    [undefined, 'Cookie'],
    ['', 'Cookie'],
    ['Accept-Encoding', 'Accept-Encoding, Cookie'],
    ['Accept-Encoding,Origin', 'Accept-Encoding, Origin, Cookie'],
    ['cookie', 'cookie'],
    ['Origin, COOKIE', 'Origin, COOKIE'],
    ['*', '*'],
    ['Origin, *', '*'],
  ])('%j -> %j', (existing, expected) => {
    expect(mergeVary(existing)).toBe(expected);
  });
});
