/**
 * The tests' PBKDF2 count: the count of the test users' hashes and of the hashes the tests make (the demo,
 * `djangoUsers`, `makePassword`, the command's `PBKDF2_ITERATIONS`) wherever the count is not what a test is
 * about, so that a login costs milliseconds. Django's side has the same count through the bridge's
 * `FAST_PASSWORD_HASHER` (test/django/fast_hasher.py), and the tests check its hashes against this.
 */
export const FAST_ITERATIONS = 1000;
