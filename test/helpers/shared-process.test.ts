/**
 * The setup file of the files that share a process (shared-process.ts): run again after a file changed the
 * process, it puts back what the first file found.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, expect, it } from 'vitest';

const elsewhere = realpathSync(mkdtempSync(`${tmpdir()}/sessionkit-shared-process-`));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

it('gives the next file Node’s own Request and Response, the first environment and working directory', async () => {
  const first = { cwd: process.cwd(), request: Request, response: Response, home: process.env['HOME'] };
  class StandIn {}
  // As @hono/node-server's getRequestListener replaces them.
  Object.defineProperty(globalThis, 'Request', { value: StandIn });
  Object.defineProperty(globalThis, 'Response', { value: StandIn });
  process.env['SESSIONKIT_LEFT_BEHIND'] = 'yes';
  process.env['HOME'] = elsewhere;
  process.chdir(elsewhere);
  expect([Response, process.cwd()]).toEqual([StandIn, elsewhere]);

  // What vitest does before the next file: the setup file runs again (a new module instance).
  const setupFile = `${new URL('./shared-process.ts', import.meta.url).pathname}?next-file=${Date.now()}`;
  await import(/* @vite-ignore */ setupFile);

  expect(Request).toBe(first.request);
  expect(Response).toBe(first.response);
  expect(process.env['SESSIONKIT_LEFT_BEHIND']).toBeUndefined();
  expect(process.env['HOME']).toBe(first.home);
  expect(process.cwd()).toBe(first.cwd);
});
