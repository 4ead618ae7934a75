/**
 * Django's `SessionMiddleware.process_response` decision tree (spec §5.2) as a pure function. It is the only
 * place where the response side of a request is decided; adapters only carry out the verdict.
 */

/** What the decision needs to know about a request and its session. */
export interface ResponseFacts {
  /** The request carried the session cookie. */
  readonly cookieSent: boolean;
  /** The session's data was read or written. */
  readonly accessed: boolean;
  /** The session's data was changed. */
  readonly modified: boolean;
  /** No valid key and no data (Django's `is_empty()`). */
  readonly empty: boolean;
  /** `saveEveryRequest` (SESSION_SAVE_EVERY_REQUEST). */
  readonly saveEveryRequest: boolean;
  /** The response status code. */
  readonly status: number;
}

/** The verdict: at most one of `deleteCookie` and `save`. */
export interface ResponseDecision {
  /** Send the cookie deletion; save nothing. */
  readonly deleteCookie: boolean;
  /** Save the session and (re)send its cookie. */
  readonly save: boolean;
  /** Add `Vary: Cookie`. */
  readonly vary: boolean;
}

const NOTHING: ResponseDecision = Object.freeze({ deleteCookie: false, save: false, vary: false });
const VARY_ONLY: ResponseDecision = Object.freeze({ deleteCookie: false, save: false, vary: true });
const DELETE: ResponseDecision = Object.freeze({ deleteCookie: true, save: false, vary: true });
const SAVE: ResponseDecision = Object.freeze({ deleteCookie: false, save: true, vary: true });

/**
 * Decides the response side of a request.
 * - A cookie came in and the session is empty (flushed, stale, invalid): delete the cookie, vary, stop.
 * - Otherwise vary when accessed; save and set the cookie when modified or on every request, unless the
 *   session is empty or the response is a server error (Django 4.2+ skips every 5xx).
 * - Every response that sets or deletes the cookie varies on Cookie (Django 5.2.14's CVE-2026-35192 fix).
 */
export function decideResponse(facts: ResponseFacts): ResponseDecision {
  if (facts.cookieSent && facts.empty) return DELETE;
  const wantsSave = (facts.modified || facts.saveEveryRequest) && !facts.empty;
  if (wantsSave && facts.status < 500) return SAVE;
  return facts.accessed ? VARY_ONLY : NOTHING;
}

/**
 * Django's `patch_vary_headers` for the single value `Cookie`: append it unless present (in any case),
 * keep `*` alone.
 */
export function mergeVary(existing: string | undefined | null): string {
  if (!existing) return 'Cookie';
  const entries = existing
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes('*')) return '*';
  if (entries.some((entry) => entry.toLowerCase() === 'cookie')) return entries.join(', ');
  return [...entries, 'Cookie'].join(', ');
}
