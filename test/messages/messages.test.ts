/**
 * The messages API over real sessions: a message added in one request is shown in a later one, then gone,
 * with Django's storage semantics within a request (reading marks read, adding after reading keeps only
 * the new, reading twice shows the same), the minimum level and the tags. Django itself is the oracle in
 * test/django/interop-messages.test.ts.
 */
import { createServer } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { session } from '../../src/adapters/express.js';
import { createSessions, type Session, SessionConfigError, type SessionOptions } from '../../src/index.js';
import {
  addMessage,
  createMessages,
  DEBUG,
  debug,
  ERROR,
  error,
  type FlashMessage,
  getLevel,
  getMessages,
  INFO,
  info,
  MESSAGES_SESSION_KEY,
  peekMessages,
  SUCCESS,
  setLevel,
  success,
  WARNING,
  warning,
} from '../../src/messages/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { cookiePair, listen } from '../adapters/http-helpers.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';

/** A browser of one app: each `request` loads the session from the cookie it holds, runs `handle`, commits with `status`. */
function browserOn(options: Partial<SessionOptions> = {}) {
  const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore(), ...options });
  let cookie: string | undefined;
  return {
    async request<R>(handle: (session: Session) => Promise<R>, status = 200): Promise<R> {
      const session = sessions.load(cookie);
      const result = await handle(session);
      const { setCookie } = await sessions.commit(session, status);
      if (setCookie.length > 0) cookie = cookieOf(setCookie);
      return result;
    },
    stored: () => sessions.load(cookie).get(MESSAGES_SESSION_KEY),
  };
}

const texts = (messages: readonly FlashMessage[]): string[] => messages.map((m) => m.message);

describe('flash messages across requests', () => {
  it.each([
    ['a store', {}],
    ['signed cookies', { store: signedCookies() }],
  ])('shows a message on the next request, once, on %s', async (_label, options) => {
    const browser = browserOn(options);
    expect(await browser.request((s) => success(s, 'Saved.'))).toBe(true);
    const shown = await browser.request((s) => getMessages(s));
    expect(shown).toEqual([{ level: SUCCESS, message: 'Saved.', extraTags: '', levelTag: 'success', tags: 'success', safe: false }]);
    expect(await browser.stored()).toBeUndefined();
    expect(await browser.request((s) => getMessages(s))).toEqual([]);
  });

  it('keeps unread messages, oldest first, across requests', async () => {
    const browser = browserOn();
    await browser.request((s) => info(s, 'one'));
    await browser.request(async (s) => {
      await warning(s, 'two');
      await error(s, 'three', { extraTags: 'sticky' });
    });
    const shown = await browser.request((s) => getMessages(s));
    expect(shown.map((m) => [m.level, m.message, m.tags])).toEqual([
      [INFO, 'one', 'info'],
      [WARNING, 'two', 'warning'],
      [ERROR, 'three', 'sticky error'],
    ]);
  });

  it('stores the messages as Django does, in a JSON string under _messages', async () => {
    const browser = browserOn();
    await browser.request(async (s) => {
      await info(s, 'Hi');
      await addMessage(s, 35, '<i>custom</i>', { extraTags: 'a b', safe: true });
    });
    expect(await browser.stored()).toBe('[["__json_message", 0, 20, "Hi", ""], ["__json_message", 1, 35, "<i>custom</i>", "a b"]]');
  });

  it('peek leaves the messages stored', async () => {
    const browser = browserOn();
    await browser.request((s) => info(s, 'kept'));
    expect(texts(await browser.request((s) => peekMessages(s)))).toEqual(['kept']);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['kept']);
  });

  it('a response that saves nothing (5xx) keeps the messages it read', async () => {
    const browser = browserOn();
    await browser.request((s) => info(s, 'not lost'));
    expect(texts(await browser.request((s) => getMessages(s), 500))).toEqual(['not lost']);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['not lost']);
  });

  it('reading an empty session neither creates nor changes it', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore() });
    const session = sessions.load(undefined);
    expect(await getMessages(session)).toEqual([]);
    expect(session.modified).toBe(false);
    expect((await sessions.commit(session)).setCookie).toEqual([]);
  });

  it('messages added after flush() (logout) survive it; those added before do not', async () => {
    const browser = browserOn();
    await browser.request(async (s) => {
      await s.set('user', 'alice');
      await info(s, 'before');
      await s.flush();
      await info(s, 'after');
    });
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['after']);
  });
});

describe("Django's storage semantics within one request", () => {
  async function withTwoStored() {
    const browser = browserOn();
    await browser.request(async (s) => {
      await info(s, 'a');
      await info(s, 'b');
    });
    return browser;
  }

  it('adding after reading stores only the new message', async () => {
    const browser = await withTwoStored();
    expect(
      texts(
        await browser.request(async (s) => {
          const shown = await getMessages(s);
          await info(s, 'c');
          return shown;
        }),
      ),
    ).toEqual(['a', 'b']);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['c']);
  });

  it('reading after adding shows the new message too and stores nothing', async () => {
    const browser = await withTwoStored();
    expect(
      texts(
        await browser.request(async (s) => {
          await info(s, 'c');
          return getMessages(s);
        }),
      ),
    ).toEqual(['a', 'b', 'c']);
    expect(await browser.stored()).toBeUndefined();
  });

  it('reading twice shows the same messages, plus those added in between', async () => {
    const browser = await withTwoStored();
    const [first, second, third] = await browser.request(async (s) => {
      const first = await getMessages(s);
      const second = await getMessages(s);
      await info(s, 'c');
      return [first, second, await getMessages(s)];
    });
    expect(texts(first!)).toEqual(['a', 'b']);
    expect(texts(second!)).toEqual(['a', 'b']);
    expect(texts(third!)).toEqual(['a', 'b', 'c']);
    expect(await browser.stored()).toBeUndefined();
  });

  it('peek after reading still counts what was read, as len() does', async () => {
    const browser = await withTwoStored();
    expect(
      texts(
        await browser.request(async (s) => {
          await getMessages(s);
          await info(s, 'c');
          return peekMessages(s);
        }),
      ),
    ).toEqual(['a', 'b', 'c']);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['c']);
  });

  it('calls started together all take effect, in call order', async () => {
    const browser = browserOn();
    await browser.request((s) => Promise.all([info(s, '1'), warning(s, '2'), error(s, '3')]));
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['1', '2', '3']);
    const [, , read] = await browser.request((s) => Promise.all([info(s, 'a'), info(s, 'b'), getMessages(s), info(s, 'c')]));
    expect(texts(read)).toEqual(['a', 'b']);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['c']);
  });
});

describe('levels and tags', () => {
  it('stores nothing below the minimum level, nor an empty text', async () => {
    const browser = browserOn();
    const added = await browser.request(async (s) => [
      await debug(s, 'hidden'),
      await addMessage(s, INFO - 1, 'below'),
      await info(s, ''),
      await info(s, 'shown'),
    ]);
    expect(added).toEqual([false, false, false, true]);
    expect(texts(await browser.request((s) => getMessages(s)))).toEqual(['shown']);
  });

  it('setLevel changes the minimum for one request only', async () => {
    const browser = browserOn();
    await browser.request(async (s) => {
      expect(getLevel(s)).toBe(INFO);
      setLevel(s, DEBUG);
      expect(getLevel(s)).toBe(DEBUG);
      expect(await debug(s, 'debug shown')).toBe(true);
      setLevel(s, null);
      expect(await debug(s, 'debug hidden')).toBe(false);
    });
    expect(
      await browser.request(async (s) => {
        expect(getLevel(s)).toBe(INFO);
        return texts(await getMessages(s));
      }),
    ).toEqual(['debug shown']);
  });

  it('createMessages: its own minimum level and tags, merged over the defaults; a level without a tag has none', async () => {
    const messages = createMessages({ level: WARNING, tags: { [ERROR]: 'danger', [SUCCESS]: '', 35: 'notice' } });
    const browser = browserOn();
    await browser.request(async (s) => {
      expect(await messages.info(s, 'below')).toBe(false);
      await messages.warning(s, 'w');
      await messages.error(s, 'e', { extraTags: 'big' });
      await messages.add(s, 35, 'n');
      await messages.add(s, 45, 'untagged', { extraTags: 'x' });
      setLevel(s, SUCCESS); // the default set and this one share a request's level
      await messages.success(s, 's');
    });
    const shown = await browser.request((s) => messages.get(s));
    expect(shown.map((m) => [m.message, m.levelTag, m.tags])).toEqual([
      ['w', 'warning', 'warning'],
      ['e', 'danger', 'big danger'],
      ['n', 'notice', 'notice'],
      ['untagged', '', 'x'],
      ['s', '', ''],
    ]);
  });

  it('tags are those of the reader: the same stored message reads with each set of tags', async () => {
    const browser = browserOn();
    await browser.request((s) => error(s, 'failed'));
    const bootstrap = createMessages({ tags: { [ERROR]: 'danger' } });
    expect((await browser.request((s) => bootstrap.peek(s)))[0]!.tags).toBe('danger');
    expect((await browser.request((s) => getMessages(s)))[0]!.tags).toBe('error');
  });

  it.each([
    ['a fractional level', { level: 2.5 }, /messages level must be a whole number/],
    ['a level as a string', { level: '20' as unknown as number }, /messages level must be a whole number/],
    ['tags as an array', { tags: ['danger'] as unknown as Record<number, string> }, /messages tags must be an object/],
    ['a tag keyed by a name', { tags: { error: 'danger' } as unknown as Record<number, string> }, /keyed by level.*"error" is not one/],
    ['a tag that is not a string', { tags: { 40: 1 } as unknown as Record<number, string> }, /tag of level 40 is 1/],
  ])('createMessages refuses %s with SessionConfigError', (_label, options, message) => {
    expect(() => createMessages(options)).toThrow(SessionConfigError);
    expect(() => createMessages(options)).toThrow(message);
  });

  it('refuses a level or a text of the wrong type with a TypeError, storing nothing', async () => {
    const browser = browserOn();
    await browser.request(async (s) => {
      await expect(addMessage(s, 20.5, 'x')).rejects.toThrow(/a message level must be a whole number/);
      await expect(addMessage(s, Number.NaN, 'x')).rejects.toThrow(TypeError);
      await expect(info(s, null as unknown as string)).rejects.toThrow(/a message is a string, not null/);
      await expect(info(s, 'x', { extraTags: ['a'] as unknown as string })).rejects.toThrow(/extraTags is a string/);
      await expect(info(s, 'x', { safe: 1 as unknown as boolean })).rejects.toThrow(/safe is true or false/);
      expect(() => setLevel(s, 1.5)).toThrow(/the minimum message level must be a whole number/);
    });
    expect(await browser.stored()).toBeUndefined();
  });
});

describe('any adapter', () => {
  it("works on Express's req.session, express-session's API included", async () => {
    for (const expressSessionApi of [false, true]) {
      const app = express();
      app.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore() }), { expressSessionApi }));
      app.get('/add', async (req, res) => {
        await warning(req.session, 'Disk almost full.', { extraTags: 'sticky' });
        res.send('added');
      });
      app.get('/show', async (req, res) => {
        res.json(await getMessages(req.session));
      });
      const server = await listen(createServer(app));
      try {
        const added = await fetch(`${server.url}/add`);
        const cookie = cookiePair(added);
        const shown = await fetch(`${server.url}/show`, { headers: { cookie } });
        expect(await shown.json()).toEqual([
          { level: WARNING, message: 'Disk almost full.', extraTags: 'sticky', levelTag: 'warning', tags: 'sticky warning', safe: false },
        ]);
        expect(await (await fetch(`${server.url}/show`, { headers: { cookie } })).json()).toEqual([]);
      } finally {
        await server.close();
      }
    }
  });
});

describe('any session type', () => {
  it('takes a session whose declared data has no _messages key', async () => {
    const sessions = createSessions<{ cart: string[] }>({ secret: TEST_SECRET, store: memoryStore() });
    const session = sessions.load(undefined);
    await session.set('cart', ['book']);
    await success(session, 'Added to the cart.');
    expect(texts(await peekMessages(session))).toEqual(['Added to the cart.']);
    expect(await session.get('cart')).toEqual(['book']);
  });

  it('reads garbage under _messages as no messages, and a read removes it', async () => {
    const browser = browserOn();
    await browser.request((s) => s.set(MESSAGES_SESSION_KEY, '[["__json_message", 0, 20, "ok"], {"bad": 1}'));
    expect(await browser.request((s) => getMessages(s))).toEqual([]);
    expect(await browser.stored()).toBeUndefined();
    await browser.request((s) => s.set(MESSAGES_SESSION_KEY, 17));
    await browser.request((s) => info(s, 'replaces it'));
    expect(await browser.stored()).toBe('[["__json_message", 0, 20, "replaces it", ""]]');
  });
});
