/**
 * The checks of `sessionkit check` that need no server: the secrets (Django's W009 rules), every setting's
 * value, and the cookie's protections (Secure on an HTTPS site, HttpOnly, SameSite=None with Secure).
 */

import { engineName } from '../../config/engines.js';
import { DEVELOPMENT_SECRET_KEY, lockingUnsupported, NEW_SECRET_KEY_COMMAND, type SessionSettings, sessionSettingsFromEnv } from '../../config/env.js';
import { type Env, readBoolean, readList, readString } from '../../config/values.js';
import { configErrorReason } from '../../config/variable-errors.js';
import { SessionConfigError } from '../../errors.js';
import { DEFAULTS, resolveOptions } from '../../options.js';
import { signedCookies } from '../../stores/signed-cookies.js';
import { plural } from '../output.js';
import { CHECK_IDS, type Problem } from './problem.js';

/** What the settings checks found, and what the store checks go on with. */
export interface SettingsReport {
  readonly problems: readonly Problem[];
  /** The engine's short name, or `undefined` when `SESSION_ENGINE` is unusable. */
  readonly engine: string | undefined;
  /** Why the site counts as served over HTTPS (e.g. `SITE_URL=https://…`), or `undefined` when unknown. */
  readonly httpsBecause: string | undefined;
}

/** Options of {@link checkSettings}. */
export interface CheckSettingsOptions {
  /** The site is served over HTTPS (`--https`), whatever `SITE_URL` and `SECURE_SSL_REDIRECT` say. */
  readonly https?: boolean | undefined;
}

const MIN_SECRET_LENGTH = 50;
const MIN_SECRET_DISTINCT = 5;
const INSECURE_PREFIX = 'django-insecure-';
// Every setting reader names its variable first ("SESSION_COOKIE_AGE=…"), which is how a malformed one
// is set aside so the others are still checked.
const NAMED_VARIABLE = /^([A-Z][A-Z0-9_]*)=/;
const QUIET = { warn: () => undefined, error: () => undefined };
// Stands in for SECRET_KEY while the other settings are validated; the secret is judged on its own.
const PLACEHOLDER_SECRET = 'sessionkit-check-placeholder-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/**
 * Why `secret` is weak by Django's deployment check (security.W009): fewer than 50 characters, fewer
 * than 5 distinct ones, or Django's development prefix: the rules of `isWeakSecret`, which makes
 * `createSessions` warn. Empty when it is not weak.
 */
export function weakSecretReasons(secret: string): string[] {
  const reasons: string[] = [];
  if (secret.length < MIN_SECRET_LENGTH) reasons.push(`it has ${plural(secret.length, 'character')}, fewer than ${MIN_SECRET_LENGTH}`);
  const distinct = new Set(secret).size;
  if (distinct < MIN_SECRET_DISTINCT) reasons.push(`it has ${plural(distinct, 'distinct character')}, fewer than ${MIN_SECRET_DISTINCT}`);
  if (secret.startsWith(INSECURE_PREFIX)) reasons.push(`it starts with "${INSECURE_PREFIX}", the mark of a key made for development`);
  return reasons;
}

/** Runs every check that needs no store. */
export function checkSettings(env: Env, options: CheckSettingsOptions = {}): SettingsReport {
  const problems: Problem[] = [...secretProblems(env)];
  const read = readSettings(env);
  problems.push(...read.problems);
  const settings = read.settings;
  const httpsBecause = whyHttps(env, options, problems);
  if (settings !== undefined) problems.push(...cookieProblems(settings, httpsBecause));
  let engine: string | undefined;
  try {
    engine = engineName(env);
  } catch (error) {
    problems.push(badSetting(error));
  }
  if (engine === 'signed_cookies' && settings?.locking) problems.push(badSetting(lockingUnsupported(engine)));
  return { problems, engine, httpsBecause };
}

function secretProblems(env: Env): Problem[] {
  const problems: Problem[] = [];
  const generate = `Generate one with \`${NEW_SECRET_KEY_COMMAND}\` and set SECRET_KEY to it`;
  const secret = readString(env, 'SECRET_KEY');
  if (secret === undefined) {
    problems.push({
      id: CHECK_IDS.noSecret,
      message: `SECRET_KEY is not set, so the app signs sessions with sessionkit's public development secret (and refuses to start with NODE_ENV=production). ${generate}.`,
    });
  } else if (secret === DEVELOPMENT_SECRET_KEY) {
    problems.push({
      id: CHECK_IDS.weakSecret,
      message: `SECRET_KEY is sessionkit's public development secret: anyone can forge sessions signed with it (NODE_ENV=production refuses it). ${generate}.`,
    });
  } else {
    const reasons = weakSecretReasons(secret);
    if (reasons.length > 0) {
      problems.push({
        id: CHECK_IDS.weakSecret,
        message: `SECRET_KEY is weak (${reasons.join('; ')}): whoever guesses it can forge sessions. ${generate}, and move the old one to SECRET_KEY_FALLBACKS while sessions signed with it should stay valid.`,
      });
    }
  }
  readList(env, 'SECRET_KEY_FALLBACKS').forEach((fallback, index) => {
    const name = `SECRET_KEY_FALLBACKS[${index}]`;
    const retire = `Sessions signed with it are still accepted: remove it from SECRET_KEY_FALLBACKS once they have expired (after SESSION_COOKIE_AGE), or at once`;
    if (fallback === DEVELOPMENT_SECRET_KEY) {
      problems.push({
        id: CHECK_IDS.weakFallback,
        message: `${name} is sessionkit's public development secret: anyone can forge sessions the app accepts. Remove it from SECRET_KEY_FALLBACKS.`,
      });
      return;
    }
    const reasons = weakSecretReasons(fallback);
    if (reasons.length > 0)
      problems.push({ id: CHECK_IDS.weakFallback, message: `${name} is weak (${reasons.join('; ')}): whoever guesses it can forge sessions. ${retire}.` });
  });
  return problems;
}

/**
 * The settings, with every malformed value reported (each one is set aside in turn, so one typo does not
 * hide the next), and checked together as `createSessions` would check them.
 */
function readSettings(env: Env): { settings: SessionSettings | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  let current: Env = env;
  let settings: SessionSettings | undefined;
  while (settings === undefined) {
    try {
      settings = sessionSettingsFromEnv(current);
    } catch (error) {
      problems.push(badSetting(error));
      const variable = error instanceof SessionConfigError ? NAMED_VARIABLE.exec(configErrorReason(error))?.[1] : undefined;
      if (variable === undefined || readString(current, variable) === undefined) return { settings: undefined, problems };
      current = { ...current, [variable]: '' };
    }
  }
  try {
    // Locking is judged with the engine; the placeholder secret and store only complete the options.
    resolveOptions({ ...settings, locking: false, secret: PLACEHOLDER_SECRET, store: signedCookies(), logger: QUIET });
  } catch (error) {
    problems.push(badSetting(error));
  }
  return { settings, problems };
}

function whyHttps(env: Env, options: CheckSettingsOptions, problems: Problem[]): string | undefined {
  if (options.https === true) return '--https';
  const siteUrl = readString(env, 'SITE_URL');
  if (siteUrl !== undefined && /^https:\/\//i.test(siteUrl)) return `SITE_URL=${siteUrl}`;
  try {
    if (readBoolean(env, 'SECURE_SSL_REDIRECT') === true) return 'SECURE_SSL_REDIRECT=True';
  } catch (error) {
    problems.push(badSetting(error));
  }
  return undefined;
}

function cookieProblems(settings: SessionSettings, httpsBecause: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const secure = settings.cookieSecure ?? DEFAULTS.cookieSecure;
  if (!secure && httpsBecause !== undefined) {
    problems.push({
      id: CHECK_IDS.insecureCookie,
      message: `SESSION_COOKIE_SECURE is off on a site served over HTTPS (${httpsBecause}): browsers also send the session cookie over plain HTTP, where anyone on the network can read it and take over the session. Set SESSION_COOKIE_SECURE=True.`,
    });
  }
  if (!(settings.cookieHttpOnly ?? DEFAULTS.cookieHttpOnly)) {
    problems.push({
      id: CHECK_IDS.scriptReadableCookie,
      message:
        'SESSION_COOKIE_HTTPONLY is off: scripts in the page can read the session cookie, so one cross-site scripting flaw hands sessions over. Set SESSION_COOKIE_HTTPONLY=True (or leave it unset: it is on by default).',
    });
  }
  if (settings.cookieSameSite === 'None' && !secure) {
    problems.push({
      id: CHECK_IDS.sameSiteNoneInsecure,
      message:
        'SESSION_COOKIE_SAMESITE=None without SESSION_COOKIE_SECURE=True: browsers refuse such a cookie, so no session outlives its first response. Set SESSION_COOKIE_SECURE=True (the site must be served over HTTPS), or SESSION_COOKIE_SAMESITE=Lax.',
    });
  }
  return problems;
}

/** A malformed setting; anything but a `SessionConfigError` is a bug and goes on up. */
export function badSetting(error: unknown): Problem {
  if (!(error instanceof SessionConfigError)) throw error;
  return { id: CHECK_IDS.badSetting, message: configErrorReason(error) };
}
