/**
 * The one gate for tests that need something a machine may lack (a server, a binary, Django, Chromium).
 * When it is there the tests run. When it is not, they fail under CI, whose environment must provide it,
 * and are skipped with a loud warning elsewhere, so that a bare machine can never pass unnoticed.
 */
import { describe, expect, it } from 'vitest';

/** Whether this run is on CI: `CI` is set to anything but `''`, `'0'` or `'false'`. */
export const onCi: boolean = ((value) => value !== undefined && value !== '' && value !== '0' && value !== 'false')(process.env['CI']);

/** Why `what` cannot be used, from the error that showed it: `"<what> is not available: <message>"`. */
export function unavailableBecause(what: string, error: unknown): string {
  const message = error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
  return `${what} is not available: ${message}`;
}

/**
 * `describe(name, body)` for tests that need `what`. `unavailable` is why it cannot be used, or
 * `null`/`undefined` when it can: then the suite runs. Otherwise, under CI, the suite is one test that
 * fails with that reason; elsewhere a warning names the suite and the reason, and the suite is skipped.
 */
export function describeIfAvailable(what: string, unavailable: string | null | undefined, name: string, body: () => void): void {
  if (unavailable === null || unavailable === undefined) {
    describe(name, body);
  } else if (onCi) {
    describe(name, () => it(`needs ${what}`, () => expect.fail(`${unavailable} (CI is set, so this fails instead of skipping)`)));
  } else {
    console.warn(`\n*** SKIPPING "${name}": ${unavailable} ***\n`);
    describe.skip(name, body);
  }
}
