/**
 * What the demo's routes know of the app they serve: the engine and its store, the settings, the admin's
 * token, Django's users and login state, and decoders for stored records and signed cookies (the `sessionkit` command's, so the pages show
 * exactly what `sessionkit show` and `sessionkit decode` would).
 */
import { createDecoder, type DecodeResult } from '../../src/cli/decoding.js';
import { serverStore } from '../../src/core/engine.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import type { SessionManager } from '../../src/manager.js';
import type { ResolvedOptions } from '../../src/options.js';
import type { SignedCookies } from '../../src/stores/signed-cookies.js';
import { type DemoAccounts, demoAccounts } from './accounts/accounts.js';
import type { DemoData } from './exchange.js';
import type { DemoSettings } from './settings.js';

/** The app around the routes. */
export interface DemoContext {
  /** The engine's Django name (`db`, `cache`, …), or the store's name when it was not given. */
  readonly engine: string;
  /** The session options in force. */
  readonly options: ResolvedOptions;
  /** The server-side store; `null` for signed cookies, which keep the session in the cookie. */
  readonly store: SessionStore | null;
  /** The session admin's token; `undefined` while the admin is off. */
  readonly adminToken: string | undefined;
  /** Django's users (`auth_user`) and who is logged in. */
  readonly accounts: DemoAccounts;
  /** Decodes a stored record's data, as the engine's store encodes it. */
  decodeRecord(data: string): DecodeResult;
  /** Decodes a signed-cookie session's cookie, whatever its age. */
  decodeCookie(value: string): DecodeResult;
}

/** The context of the demo serving `sessions` with `settings`. */
export function demoContext(sessions: SessionManager<DemoData>, settings: DemoSettings = {}): DemoContext {
  const options = sessions.options;
  const configured = options.store;
  const store = serverStore(configured);
  // The settings that decide how data is signed and encoded. Its own logger stays quiet: the app's already
  // warned of a weak secret at start-up, and a value that does not decode is shown on the page instead.
  const { secret, secretFallbacks, serializer, dataSalt, maxDataBytes } = options;
  const quiet = { warn: () => undefined, error: () => undefined };
  const decode = createDecoder({ secret, secretFallbacks, store: configured, serializer, dataSalt, maxDataBytes, logger: quiet });
  const cookieSalt = store === null ? (configured as SignedCookies).salt : '';
  return {
    engine: settings.engine ?? configured.name,
    options,
    store,
    adminToken: settings.adminToken,
    accounts: demoAccounts(options, settings.users),
    decodeRecord: (data) => decode(options.dataSalt, data, store?.dataFormat ?? 'signed'),
    decodeCookie: (value) => decode(cookieSalt, value),
  };
}
