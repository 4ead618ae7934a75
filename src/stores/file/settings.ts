/**
 * The file store's names and expiry rule follow the configuration the store is attached to: files are
 * named after its cookie name and dated with its cookie age, as Django's file engine does with
 * `SESSION_COOKIE_NAME` and `SESSION_COOKIE_AGE`. Options that disagree with the configuration are refused
 * at attach, so the store cannot drift from the manager's settings.
 */
import type { StoreContext } from '../../core/store-contract.js';
import { SessionConfigError } from '../../errors.js';
import { MtimeExpiry } from './mtime-expiry.js';

/** The options of the file store that {@link FileSettings} resolves. */
export interface FileSettingsOptions {
  /** The file-name prefix given to the store, if any (see `FileStoreOptions.prefix`). */
  readonly prefix?: string | undefined;
  /** The cookie age given to the store, if any (see `FileStoreOptions.cookieAge`). */
  readonly cookieAge?: number | undefined;
  /** Reads `_session_expiry` from stored data (see `FileStoreOptions.readExpiry`). */
  readonly readExpiry?: ((data: string) => unknown) | undefined;
}

const DJANGO_COOKIE_NAME = 'sessionid';
const DJANGO_COOKIE_AGE = 1209600;

/** The file-name prefix and expiry rule of one file store. */
export class FileSettings {
  readonly #options: FileSettingsOptions;
  #prefix: string;
  #expiry: MtimeExpiry;
  #attachedTo: { readonly cookieName: string; readonly cookieAge: number } | undefined;

  /** Checks the options; until attached, the store uses them (or Django's defaults). */
  constructor(options: FileSettingsOptions) {
    this.#options = options;
    this.#prefix = checkPrefix(options.prefix ?? DJANGO_COOKIE_NAME);
    this.#expiry = new MtimeExpiry(options.cookieAge ?? DJANGO_COOKIE_AGE, options.readExpiry);
  }

  /** The file-name prefix: the cookie name. */
  get prefix(): string {
    return this.#prefix;
  }

  /** How the files' expiry is written and judged. */
  get expiry(): MtimeExpiry {
    return this.#expiry;
  }

  /**
   * Adopts the configuration's cookie name and age.
   * @throws SessionConfigError when the store's own `prefix` or `cookieAge` disagrees with them, or the
   * store is already attached to a configuration with other ones.
   */
  attach({ cookieName, cookieAge }: StoreContext): void {
    const { prefix, cookieAge: ownAge } = this.#options;
    if (prefix !== undefined && prefix !== cookieName) {
      throw new SessionConfigError(
        `fileStore: \`prefix\` is ${JSON.stringify(prefix)} but the session cookie is named ${JSON.stringify(cookieName)}; Django names session files after the cookie, so leave \`prefix\` out (the store then takes \`cookieName\`) or give both the same name.`,
      );
    }
    if (ownAge !== undefined && ownAge !== cookieAge) {
      throw new SessionConfigError(
        `fileStore: \`cookieAge\` is ${String(ownAge)} but the configuration's \`cookieAge\` is ${String(cookieAge)}; leave the store's \`cookieAge\` out (it then takes the configuration's) or give both the same number of seconds (Django's SESSION_COOKIE_AGE).`,
      );
    }
    const before = this.#attachedTo;
    if (before !== undefined && (before.cookieName !== cookieName || before.cookieAge !== cookieAge)) {
      throw new SessionConfigError(
        `fileStore: the store already serves a configuration with cookieName ${JSON.stringify(before.cookieName)} and cookieAge ${before.cookieAge}, so it cannot serve one with cookieName ${JSON.stringify(cookieName)} and cookieAge ${cookieAge}; give each configuration a fileStore of its own (they may share the directory).`,
      );
    }
    this.#prefix = checkPrefix(cookieName);
    this.#expiry = new MtimeExpiry(cookieAge, this.#options.readExpiry);
    this.#attachedTo = { cookieName, cookieAge };
  }
}

function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || prefix === '' || /[/\\\0]/.test(prefix) || prefix === '.' || prefix === '..') {
    throw new SessionConfigError(
      `fileStore: \`prefix\` ${JSON.stringify(prefix)} cannot start a file name; use the session cookie name (SESSION_COOKIE_NAME), e.g. "sessionid".`,
    );
  }
  return prefix;
}
