/**
 * Flash messages shared with Django's messages framework (session storage) on one SQLite database: a
 * message added in Node is shown by Django and the other way round, the stored bytes are Django's, and
 * the same sequence of calls in one request has the same outcome on both sides (what is shown, what is
 * left stored). Django runs each request through its SessionMiddleware and MessageMiddleware.
 *
 * Run against another Django with SESSIONKIT_DJANGO_PYTHON (e.g. a venv with Django 5.2): the expected
 * bytes follow the version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSessions, type Session, type SessionManager } from '../../src/index.js';
import {
  createMessages,
  DEBUG,
  ERROR,
  type FlashMessage,
  INFO,
  MESSAGES_SESSION_KEY,
  type Messages,
  type MessagesOptions,
  SUCCESS,
  WARNING,
} from '../../src/messages/index.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { cookieValue } from '../helpers/cookies.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import type { DjangoMessage, DjangoMessagesRequest, DjangoMessagesStep } from './bridge.js';
import { describeWithInstall, djangoInstalls } from './django-installs.js';
import { type DjangoProcess, startDjango } from './django-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

const managers: SessionManager[] = [];
afterAll(async () => {
  for (const manager of managers) await manager.close();
});

/** One Node request on the session `key` (a new session when null); resolves what `handle` returned and the key after. */
async function nodeRequest<R>(
  sessions: SessionManager,
  key: string | null,
  handle: (session: Session) => Promise<R>,
  status = 200,
): Promise<{ result: R; key: string | null }> {
  const session = sessions.load(key === null ? undefined : `sessionid=${key}`);
  const result = await handle(session);
  const { setCookie } = await sessions.commit(session, status);
  return { result, key: setCookie.length > 0 ? cookieValue(setCookie[0]!) || null : key };
}

/** A Django message as sessionkit shows it: Django's `extra_tags` of `None` is sessionkit's `''`. */
function asFlash(message: DjangoMessage): FlashMessage {
  return {
    level: message.level,
    message: message.message,
    extraTags: message.extra_tags ?? '',
    levelTag: message.level_tag,
    tags: message.tags,
    safe: message.safe,
  };
}

for (const install of djangoInstalls) {
  describeWithInstall(install, `${install.label}'s messages framework ⇄ sessionkit/messages`, () => {
    let bridge: DjangoProcess;
    let djangoVersion: [number, number];
    beforeAll(async () => {
      bridge = startDjango({ SECRET_KEY: TEST_SECRET, DATABASE_NAME: join(dir, `${install.label}.sqlite3`) }, install.python);
      [djangoVersion] = (await django({}, [{ op: 'django_version' }])) as [[number, number]];
    });
    afterAll(() => bridge.close());
    /** Runs `ops` in this suite's Django under `batchSettings`. */
    const django = (batchSettings: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> => bridge.run(ops, batchSettings);

    /** A database file with Django's session table, and both sides' settings on it. */
    async function sharedDatabase(djangoSettings: Record<string, unknown> = {}) {
      const file = join(dir, `django${++fileCount}.sqlite3`);
      const settings = { SECRET_KEY: TEST_SECRET, DATABASE_NAME: file, ...djangoSettings };
      await django(settings, [{ op: 'migrate' }]);
      const sessions = createSessions({ secret: TEST_SECRET, store: sqliteStore({ path: file }), logger: recordingLogger() });
      managers.push(sessions);
      return { settings, sessions };
    }

    it('Django shows the messages Node added, with their levels, tags and safety, and removes them', async () => {
      const { settings, sessions } = await sharedDatabase({ MESSAGE_TAGS: { [ERROR]: 'danger' } });
      const messages = createMessages();
      const { key } = await nodeRequest(sessions, null, async (session) => {
        await session.set('user', 'zoë');
        await messages.info(session, 'Welcome, Zoë 😀');
        await messages.success(session, '<b>Saved</b>', { extraTags: 'sticky fade', safe: true });
        await messages.debug(session, 'below the minimum level');
        await messages.error(session, 'A "quoted" \\ back/slash');
        await messages.add(session, 35, 'a level of its own', { extraTags: 'custom' });
      });

      const [shown, after] = (await django(settings, [
        { op: 'messages_request', key, steps: [{ do: 'iterate' }] },
        { op: 'session_load', engine: 'db', key },
      ])) as [DjangoMessagesRequest, { data: Record<string, unknown> }];
      expect(shown.results[0]).toEqual([
        { level: INFO, message: 'Welcome, Zoë 😀', extra_tags: '', tags: 'info', level_tag: 'info', safe: false },
        { level: SUCCESS, message: '<b>Saved</b>', extra_tags: 'sticky fade', tags: 'sticky fade success', level_tag: 'success', safe: true },
        { level: ERROR, message: 'A "quoted" \\ back/slash', extra_tags: '', tags: 'danger', level_tag: 'danger', safe: false },
        { level: 35, message: 'a level of its own', extra_tags: 'custom', tags: 'custom', level_tag: '', safe: false },
      ]);
      // Read by Django, so gone for both; the rest of the session is untouched.
      expect(shown.stored).toBeNull();
      expect(after.data).toEqual({ user: 'zoë' });
      expect((await nodeRequest(sessions, key, (session) => messages.get(session))).result).toEqual([]);
    });

    it('Node shows the messages Django added, and Django sees them gone', async () => {
      const { settings, sessions } = await sharedDatabase();
      const steps: DjangoMessagesStep[] = [
        { do: 'add', level: INFO, message: 'Bonjour, Zoë 日本' },
        { do: 'add', level: WARNING, message: '<a href="/x">check</a>', extra_tags: 'link', safe: true },
        { do: 'add', level: DEBUG, message: 'below the minimum level' },
        { do: 'add', level: 45, message: 'custom' },
      ];
      const [added] = (await django(settings, [{ op: 'messages_request', steps }])) as [DjangoMessagesRequest];
      expect(added.stored).not.toBeNull();

      const messages = createMessages({ tags: { 45: 'critical' } });
      const { result: shown } = await nodeRequest(sessions, added.key, (session) => messages.get(session));
      expect(shown).toEqual([
        { level: INFO, message: 'Bonjour, Zoë 日本', extraTags: '', levelTag: 'info', tags: 'info', safe: false },
        { level: WARNING, message: '<a href="/x">check</a>', extraTags: 'link', levelTag: 'warning', tags: 'link warning', safe: true },
        { level: 45, message: 'custom', extraTags: '', levelTag: 'critical', tags: 'critical', safe: false },
      ]);

      const [again] = (await django(settings, [{ op: 'messages_request', key: added.key, steps: [{ do: 'len' }, { do: 'iterate' }] }])) as [
        DjangoMessagesRequest,
      ];
      expect(again.results).toEqual([0, []]);
      expect(again.stored).toBeNull();
    });

    it("writes Django's bytes: those of Django 4.1 and later, and of 3.2 but for the empty extra tags it leaves out", async () => {
      const { sessions } = await sharedDatabase();
      const cases = [
        { level: INFO, message: 'naïve — 日本 😀 "q" \\ / \n\t\u007f' },
        { level: SUCCESS, message: '<b>safe</b>', extra_tags: 'a b', safe: true },
        { level: -3, message: 'odd level', extra_tags: 'x' },
      ];
      const messages = createMessages({ level: -10 });
      const { result: mine } = await nodeRequest(sessions, null, async (session) => {
        for (const one of cases) await messages.add(session, one.level, one.message, { extraTags: one.extra_tags ?? '', safe: one.safe ?? false });
        return session.get(MESSAGES_SESSION_KEY);
      });
      const [theirs, decoded] = (await django({}, [
        { op: 'messages_encode', messages: cases },
        { op: 'messages_decode', data: mine },
      ])) as [string, DjangoMessage[]];
      const omitsEmptyTags = djangoVersion[0] < 4 || (djangoVersion[0] === 4 && djangoVersion[1] < 1);
      // Django 3.2 ends a message without extra tags after its text; add the "" that later versions write.
      const expected = omitsEmptyTags ? theirs.replace(/("__json_message", [01], -?\d+, "(?:[^"\\]|\\.)*")\]/g, '$1, ""]') : theirs;
      if (omitsEmptyTags) expect(expected).not.toBe(theirs);
      expect(mine).toBe(expected);
      expect(decoded.map((m) => [m.level, m.message, m.extra_tags, m.safe])).toEqual(
        cases.map((c) => [c.level, c.message, c.extra_tags ?? '', c.safe ?? false]),
      );
    });

    // The same calls in one request on both sides, from the same two stored messages (written by Django):
    // what each call gives and what is left stored afterwards must match.
    const scenarios: Array<{ name: string; steps: DjangoMessagesStep[]; status?: number }> = [
      { name: 'nothing', steps: [] },
      { name: 'add and add: appended to the unread ones', steps: [add(INFO, 'c'), add(ERROR, 'd', 'x')] },
      { name: 'read, then add: only the new one stays', steps: [{ do: 'iterate' }, add(SUCCESS, 'c')] },
      { name: 'add, then read: shown at once, nothing stays', steps: [add(WARNING, 'c'), { do: 'iterate' }] },
      { name: 'read twice: the same messages twice', steps: [{ do: 'iterate' }, { do: 'iterate' }] },
      { name: 'read, add, read: the new one joins, nothing stays', steps: [{ do: 'iterate' }, add(INFO, 'c'), { do: 'iterate' }] },
      { name: 'count without reading: all stay', steps: [{ do: 'len' }, add(INFO, 'c'), { do: 'len' }] },
      { name: 'below the level, or empty: not stored', steps: [add(DEBUG, 'debug'), add(INFO - 1, 'nineteen'), add(INFO, ''), { do: 'len' }] },
      {
        name: 'set_level for this request',
        steps: [
          { do: 'get_level' },
          { do: 'set_level', level: DEBUG },
          add(DEBUG, 'debug'),
          { do: 'get_level' },
          { do: 'set_level', level: null },
          add(DEBUG, 'dropped'),
          { do: 'get_level' },
        ],
      },
      { name: 'a 500 saves nothing: the read messages stay', steps: [{ do: 'iterate' }, add(INFO, 'c')], status: 500 },
    ];
    function add(level: number, message: string, extraTags?: string): DjangoMessagesStep {
      return { do: 'add', level, message, ...(extraTags === undefined ? {} : { extra_tags: extraTags }) };
    }

    async function nodeStep(messages: Messages, session: Session, step: DjangoMessagesStep): Promise<unknown> {
      switch (step.do) {
        case 'add':
          await messages.add(session, step.level, step.message, { extraTags: step.extra_tags ?? '', safe: step.safe ?? false });
          return null;
        case 'iterate':
          return messages.get(session);
        case 'len':
          return (await messages.peek(session)).length;
        case 'set_level':
          messages.setLevel(session, step.level);
          return true;
        case 'get_level':
          return messages.getLevel(session);
      }
    }

    it.each([
      ['default settings', {}, {}],
      [
        'MESSAGE_LEVEL and MESSAGE_TAGS',
        { MESSAGE_LEVEL: SUCCESS, MESSAGE_TAGS: { [ERROR]: 'danger', [SUCCESS]: '' } },
        { level: SUCCESS, tags: { [ERROR]: 'danger', [SUCCESS]: '' } },
      ],
    ] as Array<[string, Record<string, unknown>, MessagesOptions]>)(
      'the same calls give the same outcome on both sides, with %s',
      async (_label, djangoSettings, options) => {
        const { settings, sessions } = await sharedDatabase(djangoSettings);
        const messages = createMessages(options);
        const seed: DjangoMessagesStep[] = [add(WARNING, 'a', 'first'), add(ERROR, 'b')];
        // Two sessions per scenario holding the same messages, one for each side.
        const seeded = (await django(
          settings,
          scenarios.flatMap(() => [
            { op: 'messages_request', steps: seed },
            { op: 'messages_request', steps: seed },
          ]),
        )) as DjangoMessagesRequest[];

        const nodeOutcomes: Array<{ results: unknown[]; stored: unknown }> = [];
        for (const [i, scenario] of scenarios.entries()) {
          const key = seeded[2 * i + 1]!.key;
          const { result: results } = await nodeRequest(
            sessions,
            key,
            async (session) => {
              const results: unknown[] = [];
              for (const step of scenario.steps) results.push(await nodeStep(messages, session, step));
              return results;
            },
            scenario.status,
          );
          const stored = (await nodeRequest(sessions, key, (session) => session.get(MESSAGES_SESSION_KEY))).result;
          nodeOutcomes.push({ results, stored: stored ?? null });
        }

        const djangoOutcomes = (await django(settings, [
          ...scenarios.map((scenario, i) => ({ op: 'messages_request', key: seeded[2 * i]!.key, steps: scenario.steps, status: scenario.status ?? 200 })),
          ...nodeOutcomes.map((outcome) => ({ op: 'messages_decode', data: outcome.stored })),
        ])) as unknown[];
        for (const [i, scenario] of scenarios.entries()) {
          const theirs = djangoOutcomes[i] as DjangoMessagesRequest;
          const mineReadByDjango = djangoOutcomes[scenarios.length + i] as DjangoMessage[];
          const mine = nodeOutcomes[i]!;
          const normalise = (results: unknown[]): unknown[] =>
            results.map((result) => (Array.isArray(result) ? result.map((m) => ('level_tag' in m ? asFlash(m as DjangoMessage) : m)) : result));
          expect({ scenario: scenario.name, results: mine.results }).toEqual({ scenario: scenario.name, results: normalise(theirs.results) });
          expect({ scenario: scenario.name, stored: mineReadByDjango.map(asFlash) }).toEqual({
            scenario: scenario.name,
            stored: theirs.stored_messages.map(asFlash),
          });
          expect(mine.stored === null).toBe(theirs.stored === null);
        }
      },
    );
  });
}
