/**
 * The demo's dispatch, framework-neutral: the route of a request (404, 405 with `Allow`), the refusal of
 * cross-site requests (403), `HEAD` served by `GET` without the body, and bad input (`HttpError`) as text.
 * A server wrapper only converts requests and responses.
 */
import type { DemoContext } from './context.js';
import { crossSiteRefusal } from './cross-site.js';
import { type DemoRequest, type DemoResponse, HttpError, text } from './exchange.js';
import { demoRoutes } from './routes.js';

/** Answers one demo request. */
export type DemoHandler = (req: DemoRequest) => Promise<DemoResponse>;

/**
 * The request target `target` (`/path?query`) as a URL, or `null` when it cannot be read (answer
 * {@link badTarget}). The URL's origin is a placeholder: routes read its path and query only.
 */
export function parseTarget(target: string): URL | null {
  try {
    return new URL(target, 'http://demo.invalid');
  } catch {
    return null;
  }
}

/** The answer to a request target {@link parseTarget} cannot read. */
export function badTarget(): DemoResponse {
  return text(400, 'Bad request target.\n');
}

/**
 * The demo's handler for the app `context` describes (see `demoContext`). Errors other than `HttpError` —
 * the session's own, with their statuses, and bugs — reject, for the framework's sessionkit adapter to
 * answer.
 */
export function createDemoHandler(context: DemoContext): DemoHandler {
  const routes = demoRoutes(context);
  return async (req) => {
    const response = await dispatch(req);
    // A HEAD answer is the GET answer's status and headers, Content-Length included, without the body.
    return req.method === 'HEAD' ? { ...response, body: '' } : response;
  };

  async function dispatch(req: DemoRequest): Promise<DemoResponse> {
    const path = req.url.pathname;
    const methods = Object.hasOwn(routes, path) ? routes[path]! : undefined;
    if (!methods) return text(404, 'Not found.\n');
    // As in Django: the origin check runs once the path is known, before the method is looked at.
    const refusal = crossSiteRefusal(req.method, (name) => req.header(name));
    if (refusal !== undefined) return text(403, `Cross-site request refused: ${refusal}.\n`);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!route) return text(405, 'Method not allowed.\n', { Allow: Object.keys(methods).join(', ') });
    try {
      return await route(req);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return text(error.status, `${error.message}\n`, error.headers);
    }
  }
}
