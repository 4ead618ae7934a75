/** `GET /engine`: the engine in use, and the visitor's session as it is stored (see `engine-page.ts`). */
import { adminStore } from './admin/listing.js';
import type { DemoContext } from './context.js';
import { enginePage, type StoredView } from './engine-page.js';
import { type DemoRequest, type DemoResponse, html } from './exchange.js';
import { sessionKeyHash } from './key-hash.js';

/** The expiry the store lists for `key`, for stores whose `load` does not report it (caches); `null` when not listed. */
async function listedExpiry(context: DemoContext, key: string): Promise<Date | null> {
  const listing = adminStore(context);
  if (!listing.ok) return null;
  for await (const listed of listing.store.list()) if (listed.key === key) return listed.expireDate;
  return null;
}

/** The engine page's route for `context`. */
export function engineRoute(context: DemoContext): (req: DemoRequest) => Promise<DemoResponse> {
  return async ({ session }) => {
    // Loading first: an unknown key is dropped on load, so the key looked up is the one the session has.
    await session.toJSON();
    const key = session.sessionKey;
    let view: StoredView;
    if (key === null) {
      view = { kind: 'none' };
    } else if (context.store === null) {
      view = { kind: 'cookie', keyHash: sessionKeyHash(key), size: Buffer.byteLength(key), decoded: context.decodeCookie(key) };
    } else {
      const record = await context.store.load(key);
      view =
        record === null
          ? { kind: 'missing', keyHash: sessionKeyHash(key) }
          : {
              kind: 'record',
              keyHash: sessionKeyHash(key),
              data: record.data,
              expireDate: record.expireDate ?? (await listedExpiry(context, key)),
              decoded: context.decodeRecord(record.data),
            };
    }
    const { options } = context;
    return html(
      200,
      enginePage({
        engine: context.engine,
        storeName: options.store.name,
        dataFormat: context.store?.dataFormat ?? 'signed',
        cookieName: options.cookieName,
        view,
      }),
    );
  };
}
