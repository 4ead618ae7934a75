/**
 * Django's message levels and their default tags (`django.contrib.messages.constants`). A level is any
 * whole number; these five are the ones Django names.
 */

/** Development messages, ignored by default (below {@link INFO}). */
export const DEBUG = 10;
/** Informational messages: the default minimum level. */
export const INFO = 20;
/** An action succeeded. */
export const SUCCESS = 25;
/** Something the user should look at. */
export const WARNING = 30;
/** An action failed. */
export const ERROR = 40;

/** Django's `DEFAULT_TAGS`: the tag of each named level, which `MESSAGE_TAGS` (the `tags` option) overrides. */
export const DEFAULT_TAGS: Readonly<Record<number, string>> = Object.freeze({
  [DEBUG]: 'debug',
  [INFO]: 'info',
  [SUCCESS]: 'success',
  [WARNING]: 'warning',
  [ERROR]: 'error',
});
