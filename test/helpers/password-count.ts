/**
 * The tests' PBKDF2 counts.
 *
 * {@link FAST_ITERATIONS} is the count of the test users' hashes and of the hashes the tests make (the demo,
 * `djangoUsers`, `makePassword`, the command's `PBKDF2_ITERATIONS`) wherever the count is not what a test is
 * about, so that a login costs milliseconds. Django's side has the same count through the bridge's
 * `FAST_PASSWORD_HASHER` (test/django/fast_hasher.py), and the tests check its hashes against this.
 */
export const FAST_ITERATIONS = 1000;

/** Django 3.2's own PBKDF2 count, which the README says to give sessionkit beside Django 3.2. */
export const DJANGO_32_ITERATIONS = 260_000;

/** The `PBKDF2_ITERATIONS` variable (of the demo and the command) for `count`. */
export function pbkdf2Env(count: number): { PBKDF2_ITERATIONS: string } {
  return { PBKDF2_ITERATIONS: String(count) };
}
