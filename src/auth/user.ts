/**
 * What a logged-in user must offer, and where users come from.
 * @module
 */

/** A primary key: Django's `AutoField`/`BigAutoField` ids, UUIDs or any other key written as a string. */
export type UserId = string | number | bigint;

/** The part of a user that login state needs. */
interface UserIdentity {
  /** The primary key. Stored in the session as `String(id)`, as Django's `value_to_string` does. */
  readonly id: UserId;
  /**
   * Django's `is_active`. `false` makes the user anonymous in {@link Auth.getUser} (Django's `ModelBackend`);
   * absent counts as active, as Django's `user_can_authenticate` treats a user model without the field.
   */
  readonly isActive?: boolean | null;
}

/**
 * A user that can be logged in: an id and a secret that changes whenever the password does. For Django's
 * users that is the password hash (the `password` column); a user table without passwords can give any
 * value that changes to end the user's sessions (`sessionAuthSecret`).
 */
export type SessionUser = UserIdentity &
  (
    | {
        /** The stored password hash, e.g. `pbkdf2_sha256$1000000$salt$hash` (Django's `password` column). */
        readonly passwordHash: string;
      }
    | {
        /** A secret of your own that changes when the user's sessions should end (used instead of a password hash). */
        readonly sessionAuthSecret: string;
      }
  );

/**
 * Where {@link Auth.getUser} loads users from: Django's `backend.get_user(user_id)`. Any table or service
 * works; resolve `null` for an unknown id.
 *
 * @typeParam U - The app's user type.
 */
export interface UserSource<U extends SessionUser> {
  /**
   * The user with this primary key, or `null`. `id` is the string the session holds; a source with
   * integer keys should answer `null` for a string that is not one.
   */
  getUser(id: string): Promise<U | null | undefined> | U | null | undefined;
  /**
   * Django's `user_logged_in` signal: {@link Auth.login} calls it once the session holds the login. Django
   * updates `last_login` there (`djangoUsers` does too); leave it out when there is nothing to record.
   */
  userLoggedIn?(user: U): Promise<void> | void;
}
