/**
 * The demo and a Django app (Django 3.2, through test/django/bridge.ts) share sessions on every framework:
 * on the db engine (one SQLite file) and with signed cookies, each demo reads and updates the session
 * Django made, and Django reads the update and the session each demo made at login.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FRAMEWORKS, type SessionView } from '../../examples/demo/app.js';
import { describeWithDjango, django } from '../django/bridge.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { demoHarness } from './harness.js';

const { engines, on, start } = demoHarness();
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-demo-django-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Django's engine name, and the demo's engine with the variables that put it on the same sessions. */
const file = join(scratch, 'db.sqlite3');
const SHARED = [
  { djangoEngine: 'db', engine: engines.find((engine) => engine.label === 'SQLite')!, env: { DATABASE_URL: `sqlite:///${file}` } },
  { djangoEngine: 'signed_cookies', engine: engines.find((engine) => !engine.serverSide)!, env: {} },
] as const;

interface Loaded {
  data: Record<string, unknown>;
}

describeWithDjango('the demo and a Django app share sessions, on every framework', () => {
  it('on db (SQLite) and signed cookies: each side reads and updates what the other wrote', async () => {
    const pairs = FRAMEWORKS.flatMap((framework) => SHARED.map((shared) => ({ framework, ...shared })));
    const settings = { SECRET_KEY: TEST_SECRET, DATABASE_NAME: file };
    const created = (await django(settings, [
      { op: 'migrate' },
      ...pairs.map(({ framework, djangoEngine }) => ({ op: 'session_create', engine: djangoEngine, data: { by: 'django', framework, visit: 10 } })),
    ])) as [null, ...Array<{ key: string }>];

    // Django's loads to run, with the data each must find.
    const expected: Array<{ engine: string; key: string; data: Record<string, unknown> }> = [];
    for (const [i, { framework, djangoEngine, engine, env }] of pairs.entries()) {
      const label = `${djangoEngine} on ${framework}`;
      const demo = await start(on(engine, framework), env);
      const fromDjango = demo.browser();
      fromDjango.cookies.set('sessionid', created[i + 1]!.key);
      expect((await demo.view(fromDjango)).data, label).toEqual({ by: 'django', framework, visit: 10 });
      expect(await fromDjango.text('/visit'), label).toBe('Visit count:11');
      expected.push({ engine: djangoEngine, key: fromDjango.sessionId!, data: { by: 'django', framework, visit: 11 } });

      const newcomer = demo.browser();
      expect((await newcomer.postForm('/login', { username: `${framework} user` })).status, label).toBe(200);
      const view = (await (await newcomer.postJson('/session', { note: 'naïve — 日本 😀' })).json()) as SessionView;
      expect(view.data, label).toEqual({ username: `${framework} user`, note: 'naïve — 日本 😀' });
      expected.push({ engine: djangoEngine, key: newcomer.sessionId!, data: view.data });
      expect(demo.logger.errors, label).toEqual([]);
    }

    const loaded = (await django(
      settings,
      expected.map(({ engine, key }) => ({ op: 'session_load', engine, key })),
    )) as Loaded[];
    expect(loaded.map((result) => result.data)).toEqual(expected.map(({ data }) => data));
  });
});
