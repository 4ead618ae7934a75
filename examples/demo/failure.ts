/**
 * Errors the demo's handler lets through (a session's, or a bug), answered on every framework as the
 * node:http adapter answers them, byte for byte, so that no framework's own error page shows instead.
 */
import { errorResponse, logRequestError } from '../../src/core/error-response.js';
import type { SessionManager } from '../../src/manager.js';
import { demoContext } from './context.js';
import { createDemoHandler, type DemoHandler } from './dispatch.js';
import type { DemoData, DemoResponse } from './exchange.js';
import type { DemoSettings } from './settings.js';

/** `errorResponse(error)` with its `Content-Length`, in the order the node:http adapter writes them. */
export function failureResponse(error: unknown): DemoResponse {
  const answer = errorResponse(error);
  return { status: answer.status, headers: { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) }, body: answer.body };
}

/**
 * The demo's handler for `sessions` and `settings`, answering what it throws as node:http's `withSessions` does: logged,
 * and sent as {@link failureResponse} through the framework's normal response, so the session is committed
 * with that status (a 5xx saves nothing) and the answer carries what the commit adds (`Vary: Cookie` once
 * the session was read).
 */
export function createFailSafeHandler(sessions: SessionManager<DemoData>, settings: DemoSettings): DemoHandler {
  const handle = createDemoHandler(demoContext(sessions, settings));
  return async (req) => {
    try {
      return await handle(req);
    } catch (error) {
      logRequestError(sessions.options, error);
      return failureResponse(error);
    }
  };
}
