/**
 * 300 fuzzed session cookies on every framework: each gives a fresh empty session — never an error, never
 * a 500, never a session of someone else — and the visitor carries on with a new session of their own.
 */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../examples/demo/app.js';
import { dumps } from '../../src/signing/index.js';
import { SIGNED_COOKIES_SALT } from '../../src/stores/signed-cookies.js';
import { setCookies } from '../adapters/http-helpers.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { badCookieValues } from './bad-cookies.js';
import { fuzzedCookieValues } from './fuzzed-cookies.js';
import { demoHarness } from './harness.js';

const COUNT = 300;
const { cases, start } = demoHarness();

describe.each(cases.filter((engine) => engine.label.startsWith('SQLite')))('fuzzed session cookies on $label', (engine) => {
  it(`${COUNT} fuzzed cookies each give a fresh empty session, no error and no 500, and leave the others alone`, async () => {
    const demo = await start(engine);
    const owner = demo.browser();
    expect(await owner.text('/visit')).toBe('Visit count:1');
    const valid = owner.sessionId!;
    const signedElsewhere = dumps({ visit: 41 }, { key: TEST_SECRET, salt: SIGNED_COOKIES_SALT, compress: true });
    const values = fuzzedCookieValues(COUNT, [valid, signedElsewhere, ...Object.values(badCookieValues(TEST_SECRET))], [valid]);
    expect(values).toHaveLength(COUNT);

    const failures: string[] = [];
    const check = async (value: string): Promise<void> => {
      const shownValue = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
      const headers = { cookie: `sessionid=${value}` };
      const shown = await fetch(`${demo.url}/session`, { headers });
      const body = await shown.text();
      const view = (shown.status === 200 ? JSON.parse(body) : { body: body.slice(0, 80) }) as SessionView;
      if (shown.status !== 200 || view.sessionKeyHash !== null || Object.keys(view.data).length > 0) {
        failures.push(`${shownValue}: GET /session: ${shown.status} ${JSON.stringify(view)}`);
      }
      const visit = await fetch(`${demo.url}/visit`, { headers });
      const text = await visit.text();
      const cookie = setCookies(visit).at(-1) ?? '';
      const key = /^sessionid=([a-z0-9]{32});/.exec(cookie)?.[1];
      if (visit.status !== 200 || text !== 'Visit count:1' || key === undefined || key === valid) {
        failures.push(`${shownValue}: GET /visit: ${visit.status} ${text.slice(0, 80)} ${cookie}`);
      }
    };
    // Twenty at a time: the requests of one cookie in order, the cookies side by side.
    for (let i = 0; i < values.length; i += 20) {
      await Promise.all(
        values
          .slice(i, i + 20)
          .map((value) => check(value).catch((error: unknown) => failures.push(`${JSON.stringify(value.slice(0, 80))}: ${String(error)}`))),
      );
    }
    expect(failures).toEqual([]);
    expect(demo.logger.errors).toEqual([]);
    expect(await owner.text('/visit')).toBe('Visit count:2'); // the real session, untouched
  });
});
