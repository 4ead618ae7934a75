/**
 * Reading Django's encoded passwords (`<algorithm>$…`): which hasher made one, and whether it is usable.
 * @module
 */

/** What Django's `make_password(None)` starts with: such a value never matches any password. */
export const UNUSABLE_PASSWORD_PREFIX = '!';

/**
 * Django's `is_password_usable`: `false` for a value made by `set_unusable_password()` (`!…`).
 *
 * @param encoded - The stored password hash.
 */
export function isPasswordUsable(encoded: string | null | undefined): boolean {
  return encoded === null || encoded === undefined || !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/**
 * The hasher name of an encoded password, as Django's `identify_hasher` reads it (the text before the
 * first `$`, or Django's names for the unsalted legacy formats); `null` for an empty value.
 */
export function hasherOf(encoded: string): string | null {
  if (encoded.length === 0) return null;
  if ((encoded.length === 32 && !encoded.includes('$')) || (encoded.length === 37 && encoded.startsWith('md5$$'))) return 'unsalted_md5';
  if (encoded.length === 46 && encoded.startsWith('sha1$$')) return 'unsalted_sha1';
  return encoded.split('$', 1)[0]!;
}
