/** Small helpers for tests that talk HTTP to a real server on 127.0.0.1. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `server` on a free port of 127.0.0.1. */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The `Set-Cookie` values of a response. */
export function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

/** The `name=value` part of the response's cookie `name`, ready for a `Cookie` header; throws when absent. */
export function cookiePair(response: Response, name = 'sessionid'): string {
  const found = setCookies(response).find((cookie) => cookie.startsWith(`${name}=`));
  if (!found) throw new Error(`the response set no ${name} cookie (Set-Cookie: ${JSON.stringify(setCookies(response))})`);
  return found.split(';')[0]!;
}

/** The value of the response's cookie `name`. */
export function cookieValue(response: Response, name = 'sessionid'): string {
  return cookiePair(response, name).slice(name.length + 1);
}
