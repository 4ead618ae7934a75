/**
 * A message as an application shows it: Django's `Message` with its `tags` and `level_tag`.
 */
import type { StoredMessage } from './stored-message.js';

/** One flash message, read by `getMessages` or `peekMessages`. */
export interface FlashMessage {
  /** The level: `DEBUG` (10), `INFO` (20), `SUCCESS` (25), `WARNING` (30), `ERROR` (40), or another whole number. */
  readonly level: number;
  /** The text. Escape it before putting it in HTML, unless {@link FlashMessage.safe} is set. */
  readonly message: string;
  /** The extra tags given when the message was added (`''` when none). */
  readonly extraTags: string;
  /** The level's tag (`'info'`, `'error'`, …, as the `tags` option maps them); `''` for a level without one. */
  readonly levelTag: string;
  /** Django's `message.tags`: the extra tags, then the level's tag, separated by a space, e.g. `'sticky success'`. */
  readonly tags: string;
  /**
   * Whether the text was marked as safe HTML (Django's `mark_safe`), so templates show it without
   * escaping. Only the application (or the Django app sharing its sessions) can set it.
   */
  readonly safe: boolean;
}

/** `stored` with the tags its level has in `levelTags`. */
export function toFlashMessage(stored: StoredMessage, levelTags: ReadonlyMap<number, string>): FlashMessage {
  const extraTags = stored.extraTags ?? '';
  const levelTag = levelTags.get(stored.level) ?? '';
  const tags = [extraTags, levelTag].filter((tag) => tag !== '').join(' ');
  return Object.freeze({ level: stored.level, message: stored.message, extraTags, levelTag, tags, safe: stored.safe });
}
