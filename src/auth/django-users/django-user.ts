/**
 * A user of Django's user table as the user source returns it, and what a new one is made of.
 * @module
 */

/**
 * A row of Django's `auth_user` (or of a custom `AUTH_USER_MODEL`'s table). A field the model lacks
 * (`null` in `columns`) reads as Django's default for it: `''`, `false`, `null`; `isActive` as `true`, as
 * Django's `ModelBackend` treats a model without `is_active`.
 */
export interface DjangoUser {
  /** The primary key: a number (Django's `AutoField`), or a string (a key too large for a number, a UUID). */
  readonly id: number | string;
  /** `USERNAME_FIELD`'s value. */
  readonly username: string;
  /** The `password` column: Django's encoded hash, e.g. `pbkdf2_sha256$260000$…`, or `!…` when unusable. */
  readonly passwordHash: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** When the user last logged in, on either side; `null` for never. */
  readonly lastLogin: Date | null;
  readonly dateJoined: Date | null;
}

/** The fields of `createUser`, as Django's `UserManager.create_user` takes them. */
export interface NewDjangoUser {
  /** Normalised as Django does (Unicode NFKC) before it is stored. */
  readonly username: string;
  /** The raw password, hashed with `makePassword`; `null` gives an unusable password (`!…`). */
  readonly password: string | null;
  /**
   * Normalised as Django does (the domain part lower-cased).
   * @default ''
   */
  readonly email?: string;
  /** @default '' */
  readonly firstName?: string;
  /** @default '' */
  readonly lastName?: string;
  /** @default true */
  readonly isActive?: boolean;
  /** @default false */
  readonly isStaff?: boolean;
  /** @default false */
  readonly isSuperuser?: boolean;
}
