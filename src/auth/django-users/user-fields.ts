/**
 * Django's rules for the username and email of its `User`: how `create_user` normalises them, and what
 * the field validators that `createsuperuser` runs refuse, with Django's messages.
 * @module
 */

/** `User.username`'s `max_length`. */
export const USERNAME_MAX_LENGTH = 150;
/** `User.email`'s `max_length`. */
export const EMAIL_MAX_LENGTH = 254;

/** Django's `AbstractBaseUser.normalize_username`: Unicode NFKC, so look-alike forms of a name are one name. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/** Django's `BaseUserManager.normalize_email`: surrounding spaces dropped, the domain part lower-cased. */
export function normalizeEmail(email: string | null | undefined): string {
  const text = (email ?? '').trim();
  const at = text.lastIndexOf('@');
  return at === -1 ? text : `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
}

// Django's UnicodeUsernameValidator: letters, digits (Python's \w on str) and @ . + - _.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;

function maxLengthProblem(value: string, max: number): string | null {
  const length = [...value].length;
  return length > max ? `Ensure this value has at most ${max} characters (it has ${length}).` : null;
}

/**
 * What Django's `username` field refuses in `value`, in Django's words (its messages joined with `; `, as
 * `createsuperuser` prints them); `null` when it is acceptable. Uniqueness is not checked here.
 */
export function usernameProblem(value: string): string | null {
  if (value === '') return 'This field cannot be blank.';
  const problems = [
    USERNAME.test(value) ? null : 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
    maxLengthProblem(value, USERNAME_MAX_LENGTH),
  ].filter((problem): problem is string => problem !== null);
  return problems.length === 0 ? null : problems.join('; ');
}

// The local part: dot-separated atoms of RFC 5322's atext, or a quoted string.
const EMAIL_USER =
  /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$/;
// A host name of at least two labels, the last of 2 to 63 characters not ending with a hyphen.
const EMAIL_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,62}[a-z0-9]$/i;
const EMAIL_LITERAL = /^\[(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\]$/;

/** The ASCII (IDNA) form of a domain name, or `null` when it is none. */
function asciiDomain(domain: string): string | null {
  if (/^[\x21-\x7e]*$/.test(domain)) return domain;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * What Django's `email` field (`EmailValidator`, `max_length` 254) refuses in `value`; `null` when it is
 * acceptable. The empty string is acceptable: the field may be blank.
 */
export function emailProblem(value: string): string | null {
  if (value === '') return null;
  const problems: string[] = [];
  const at = value.lastIndexOf('@');
  const user = value.slice(0, at);
  const domain = at === -1 ? null : asciiDomain(value.slice(at + 1));
  const valid = at > 0 && EMAIL_USER.test(user) && domain !== null && (domain === 'localhost' || EMAIL_DOMAIN.test(domain) || EMAIL_LITERAL.test(domain));
  if (!valid) problems.push('Enter a valid email address.');
  const tooLong = maxLengthProblem(value, EMAIL_MAX_LENGTH);
  if (tooLong !== null) problems.push(tooLong);
  return problems.length === 0 ? null : problems.join('; ');
}
