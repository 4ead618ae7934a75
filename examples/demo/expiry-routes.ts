/**
 * The routes of per-session expiry as HTML (`GET` and `POST /expiry`, a form that works without
 * JavaScript) and of `SESSION_EXPIRE_AT_BROWSER_CLOSE` (`GET /browser-close`). `POST /session/expiry` is the
 * same choice as JSON, for scripts.
 */
import { EXPIRY_KEY } from '../../src/core/expiry.js';
import { getMessages, success } from '../../src/messages/index.js';
import type { Session } from '../../src/session.js';
import type { DemoContext } from './context.js';
import { type DemoData, type DemoRequest, type DemoResponse, html, redirect } from './exchange.js';
import { browserClosePage, type ExpiryFacts, type ExpiryForm, type ExpiryMode, expiryPage, formFor } from './expiry-pages.js';
import { duration } from './layout.js';

const MODES: readonly ExpiryMode[] = ['default', 'seconds', 'date', 'browser-close'];

/** A choice of the form the demo cannot use, with what to enter instead. */
class FormError extends Error {}

async function expiryFacts(session: Session<DemoData>, context: DemoContext): Promise<ExpiryFacts> {
  const stored = await session.get(EXPIRY_KEY);
  return {
    age: await session.getExpiryAge(),
    date: await session.getExpiryDate(),
    atBrowserClose: await session.getExpireAtBrowserClose(),
    stored,
    hasSession: session.sessionKey !== null,
    cookieAge: context.options.cookieAge,
    globalAtBrowserClose: context.options.expireAtBrowserClose,
  };
}

/** The value for `setExpiry` the posted form chooses. */
function chosenExpiry(form: ExpiryForm): number | Date | null {
  switch (form.mode) {
    case 'default':
      return null;
    case 'browser-close':
      return 0;
    case 'seconds': {
      const seconds = form.seconds.trim();
      if (!/^\d{1,9}$/.test(seconds) || Number(seconds) === 0) throw new FormError('Enter whole seconds, from 1 to 999999999.');
      return Number(seconds);
    }
    case 'date': {
      // What <input type="datetime-local"> sends: no zone, read as UTC as the label says.
      const match = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/.exec(form.date.trim());
      const at = match ? new Date(`${form.date.trim()}Z`) : null;
      if (!match || Number(match[1]) < 1 || at === null || Number.isNaN(at.getTime())) {
        throw new FormError('Enter a date and time such as 2030-01-01T12:00 (UTC), in years 0001 to 9999.');
      }
      return at;
    }
  }
}

/** What the flash message says was chosen. */
function describeChoice(value: number | Date | null, cookieAge: number): string {
  if (value === null) return `The session expires by default again: ${duration(cookieAge)} after each change.`;
  if (value === 0) return 'The session now ends when the browser closes.';
  if (typeof value === 'number') return `The session now expires ${duration(value)} after its last change.`;
  return `The session now expires at ${value.toISOString().slice(0, 19).replace('T', ' ')} UTC.`;
}

/** The expiry routes by path, then method. */
export function expiryRoutes(context: DemoContext): Record<string, Record<string, (req: DemoRequest) => Promise<DemoResponse>>> {
  async function show({ session }: DemoRequest): Promise<DemoResponse> {
    const messages = await getMessages(session);
    const facts = await expiryFacts(session, context);
    return html(200, expiryPage(facts, formFor(facts.stored, new Date(context.options.now())), messages));
  }

  async function change({ session, readBody }: DemoRequest): Promise<DemoResponse> {
    const body = await readBody();
    const field = (name: string): string => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const mode = MODES.find((m) => m === field('mode'));
    const form: ExpiryForm = { mode: mode ?? 'default', seconds: field('seconds'), date: field('date') };
    try {
      if (mode === undefined) throw new FormError('Choose one of the four expiries.');
      const value = chosenExpiry(form);
      await session.setExpiry(value);
      await success(session, describeChoice(value, context.options.cookieAge));
      return redirect('/expiry');
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return html(400, expiryPage(await expiryFacts(session, context), form, [], error.message));
    }
  }

  async function browserClose({ session }: DemoRequest): Promise<DemoResponse> {
    const facts = await expiryFacts(session, context);
    return html(
      200,
      browserClosePage({
        setting: context.options.expireAtBrowserClose,
        atBrowserClose: facts.atBrowserClose,
        stored: facts.stored,
        date: facts.date,
        hasSession: facts.hasSession,
        cookieAge: context.options.cookieAge,
      }),
    );
  }

  return {
    '/expiry': { GET: show, POST: change },
    '/browser-close': { GET: browserClose },
  };
}
