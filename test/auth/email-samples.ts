/** Email addresses on both sides of Django's `EmailValidator`, shared by the unit and the interop tests. */

/** Addresses Django's `EmailValidator` accepts (the empty one: the field is optional). */
export const VALID_EMAILS: readonly string[] = ['', 'a@b.co', 'first.last+tag@sub.example.org', 'x@localhost', 'x@[127.0.0.1]', 'user@bücher.de'];

/** Addresses it refuses with "Enter a valid email address.". */
export const INVALID_EMAILS: readonly string[] = [
  'plain',
  '@example.com',
  'a@b',
  'a b@example.com',
  'a@-example.com',
  'a@example.c-',
  'ü@bücher.de',
  'a..b@example.com',
  '"quoted name"@example.com',
];
