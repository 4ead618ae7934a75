/**
 * What goes wrong with the user table itself, each with a message that says how to fix it.
 * @module
 */

/**
 * The user table, or a column the user source reads, does not exist. The message names it and says how to
 * create it (Django's `migrate`, or `sessionkit migrate --auth`) or how to point the source at it (`table`,
 * `columns`).
 */
export class UserTableError extends Error {
  override name = 'UserTableError';
}

/** `createUser` was given a username another user has (the table's unique constraint refused it). */
export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
  /** The username that is taken. */
  readonly username: string;
  constructor(username: string, options?: { cause?: unknown }) {
    super(`a user named ${JSON.stringify(username)} exists already`, options);
    this.username = username;
  }
}
