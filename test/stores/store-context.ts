/** What the engine hands a store at attach, for tests that attach a store themselves. */
import type { StoreContext } from '../../src/core/store-contract.js';

/** Django's defaults (cookie `sessionid`, two weeks) with the clock `now`. */
export function contextWithClock(now: () => number): StoreContext {
  return { now, cookieName: 'sessionid', cookieAge: 1209600, logger: console };
}
