/**
 * The messages settings, Django's `MESSAGE_LEVEL` and `MESSAGE_TAGS`, checked once by `createMessages`.
 */
import { SessionConfigError } from '../errors.js';
import { DEFAULT_TAGS, INFO } from './levels.js';

/** Options of `createMessages`. */
export interface MessagesOptions {
  /**
   * Django's `MESSAGE_LEVEL`: messages below this level are not stored. `setLevel` changes it for one
   * request.
   * @default INFO (20)
   */
  readonly level?: number | undefined;
  /**
   * Django's `MESSAGE_TAGS`: the tag of each level, merged over the defaults (`debug`, `info`, `success`,
   * `warning`, `error`), e.g. `{ [ERROR]: 'danger' }` for Bootstrap's alert classes.
   * @default {}
   */
  readonly tags?: Readonly<Record<number, string>> | undefined;
}

/** {@link MessagesOptions} with the defaults filled in. */
export interface ResolvedMessagesOptions {
  readonly level: number;
  readonly levelTags: ReadonlyMap<number, string>;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `options` checked and completed; throws `SessionConfigError` saying how to fix a bad one. */
export function resolveMessagesOptions(options: MessagesOptions = {}): ResolvedMessagesOptions {
  const level = options.level ?? INFO;
  if (typeof level !== 'number' || !Number.isSafeInteger(level)) {
    throw new SessionConfigError(`messages level must be a whole number such as INFO (20) or DEBUG (10), not ${shown(level)}.`);
  }
  const tags: unknown = options.tags ?? {};
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    throw new SessionConfigError('messages tags must be an object mapping levels to tags, e.g. { 40: "danger" }.');
  }
  const levelTags = new Map<number, string>(Object.entries(DEFAULT_TAGS).map(([key, tag]) => [Number(key), tag]));
  for (const [key, tag] of Object.entries(tags)) {
    if (!/^-?\d+$/.test(key) || !Number.isSafeInteger(Number(key))) {
      throw new SessionConfigError(`messages tags are keyed by level, a whole number such as 40; ${shown(key)} is not one.`);
    }
    if (typeof tag !== 'string') {
      throw new SessionConfigError(`messages tags must be strings; the tag of level ${key} is ${shown(tag)}.`);
    }
    levelTags.set(Number(key), tag);
  }
  return { level, levelTags };
}
