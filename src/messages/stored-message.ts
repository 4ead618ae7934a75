/**
 * A message as Django's session storage keeps it, and the session key it lives under.
 */

/** The session key of Django's `SessionStorage` (`django.contrib.messages.storage.session`). */
export const MESSAGES_SESSION_KEY = '_messages';

/** One stored message, with exactly what the wire format carries. */
export interface StoredMessage {
  readonly level: number;
  readonly message: string;
  /**
   * `null` when the writer left the extra tags out, as Django before 4.1 does for a message without
   * extra tags; kept so that re-storing an unread message writes it back as it came.
   */
  readonly extraTags: string | null;
  /** Django's `SafeData`: the text is HTML that templates show without escaping. */
  readonly safe: boolean;
}
