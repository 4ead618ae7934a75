/**
 * The session admin at `/admin/sessions/`: staff list the live sessions, decode one, delete one and clear
 * the expired ones. Staff are Django's `is_staff` users logged in at `/accounts/login/`, and browsers that
 * gave the token of `SESSION_ADMIN_TOKEN`. Off (404, saying how to turn it on) with neither a user database
 * nor a token; staff only (403, with the way in) for everyone else. Its forms change state, so besides the
 * demo's refusal of cross-site requests they carry the session's CSRF token; and its pages are never cached.
 */
import { getMessages, info, success } from '../../../src/messages/index.js';
import type { Session } from '../../../src/session.js';
import type { DemoContext } from '../context.js';
import { type DemoData, type DemoRequest, type DemoResponse, html, redirect } from '../exchange.js';
import { sessionKeyHash } from '../key-hash.js';
import { csrfToken, grantStaff, hasStaffToken, isAdminToken, isCsrfToken, revokeStaff } from './access.js';
import { adminStore, clearExpired, countExpired, findByHash, lastChange, listSessions } from './listing.js';
import { adminCsrfPage, adminListPage, adminLoginPage, adminMissingPage, adminOffPage, adminSessionPage } from './pages.js';

type Route = (req: DemoRequest) => Promise<DemoResponse>;

const LIST = '/admin/sessions/';
// Pages that show other people's sessions must not stay in any cache, the browser's included.
const PRIVATE = { 'Cache-Control': 'no-store' };

function page(status: number, body: string): DemoResponse {
  return html(status, body, PRIVATE);
}

/** The admin's routes by path, then method. */
export function adminRoutes(context: DemoContext): Record<string, Record<string, Route>> {
  const token = context.adminToken;
  const { accounts } = context;
  // Nobody could get in: neither a token to give nor users to log in as.
  const off = token === undefined && !accounts.configured;

  /** Whether the session is staff's, and the user it is logged in as (`null`: anonymous). */
  async function visitor(session: Session<DemoData>): Promise<{ staff: boolean; username: string | null }> {
    const user = accounts.configured ? await accounts.user(session) : null;
    return { staff: (await hasStaffToken(session)) || user?.isStaff === true, username: user?.username ?? null };
  }

  /** The refusal of a visitor who is not staff (403), with the ways in. */
  async function refusal(session: Session<DemoData>, username: string | null, error?: string): Promise<DemoResponse> {
    const messages = await getMessages(session);
    return page(403, adminLoginPage({ messages, error, tokenForm: token !== undefined, usersLogin: accounts.configured, username }));
  }

  /** `route` for staff only: refused (403) for others, and 404 while the admin is off. */
  const staffOnly =
    (route: Route): Route =>
    async (req) => {
      if (off) return page(404, adminOffPage());
      const { staff, username } = await visitor(req.session);
      if (!staff) return refusal(req.session, username);
      return route(req);
    };

  /** `route` for a staff form: refused (403) without the session's CSRF token. */
  const staffForm = (route: (req: DemoRequest, body: Record<string, unknown>) => Promise<DemoResponse>): Route =>
    staffOnly(async (req) => {
      const body = await req.readBody();
      if (!(await isCsrfToken(req.session, body.csrf))) return page(403, adminCsrfPage());
      return route(req, body);
    });

  async function list({ session }: DemoRequest): Promise<DemoResponse> {
    const messages = await getMessages(session);
    const csrf = await csrfToken(session);
    const ownHash = session.sessionKey === null ? null : sessionKeyHash(session.sessionKey);
    const listing = adminStore(context);
    if (!listing.ok) return page(200, adminListPage({ messages, csrf, unavailable: listing.reason, rows: [], total: 0, expired: null, ownHash }));
    const { rows, total } = await listSessions(context, listing.store);
    return page(200, adminListPage({ messages, csrf, rows, total, expired: await countExpired(listing.store), ownHash }));
  }

  async function show({ url, session }: DemoRequest): Promise<DemoResponse> {
    const hash = url.searchParams.get('hash') ?? '';
    const listing = adminStore(context);
    if (!listing.ok) return redirect(LIST);
    const found = await findByHash(listing.store, hash);
    const record = found && (await listing.store.load(found.key));
    if (!found || !record) return page(404, adminMissingPage(hash));
    const decoded = context.decodeRecord(record.data);
    const expiry = decoded.ok ? decoded.data._session_expiry : undefined;
    return page(
      200,
      adminSessionPage({
        hash,
        size: found.size,
        expireDate: found.expireDate,
        lastChange: lastChange(found.expireDate, expiry, context.options.cookieAge),
        decoded,
        csrf: await csrfToken(session),
      }),
    );
  }

  async function remove({ session }: DemoRequest, body: Record<string, unknown>): Promise<DemoResponse> {
    const hash = typeof body.hash === 'string' ? body.hash : '';
    const listing = adminStore(context);
    if (!listing.ok) return redirect(LIST);
    const found = await findByHash(listing.store, hash);
    if (!found) return page(404, adminMissingPage(hash));
    if (found.key === session.sessionKey) {
      // The admin's own session: deleting its record under this request would make the request's own save
      // fail (a session is never brought back once deleted). Flushing it does both, and logs the admin out.
      await session.flush();
      return redirect(LIST);
    }
    await listing.store.delete(found.key);
    await success(session, `Deleted session ${hash}: its browser has a new, empty session from its next request on.`);
    return redirect(LIST);
  }

  async function clear({ session }: DemoRequest): Promise<DemoResponse> {
    const { store } = context;
    const removed = store === null ? 0 : await clearExpired(store);
    await success(session, `Deleted ${removed} expired session${removed === 1 ? '' : 's'}.`);
    return redirect(LIST);
  }

  async function enter({ session, readBody }: DemoRequest): Promise<DemoResponse> {
    if (off) return page(404, adminOffPage());
    const { username } = await visitor(session);
    if (token === undefined) return refusal(session, username, 'The demo was started without SESSION_ADMIN_TOKEN: log in as a staff user instead.');
    const body = await readBody();
    if (!isAdminToken(body.token, token)) return refusal(session, username, 'That is not the admin token.');
    await grantStaff(session);
    await success(session, 'You are staff in the session admin now. Your session got a new key as you came in, as at any login.');
    return redirect(LIST);
  }

  async function leave({ session }: DemoRequest): Promise<DemoResponse> {
    const user = accounts.configured ? await accounts.user(session) : null;
    await revokeStaff(session);
    if (user?.isStaff !== true) {
      await info(session, 'You left the session admin. Your session got a new key as you left.');
    } else {
      // A staff user stays staff while logged in: leaving is logging out, as in Django's admin.
      await accounts.auth.logout(session);
      await info(session, 'You left the session admin and logged out. Your session was flushed, as Django’s logout does.');
    }
    return redirect(LIST);
  }

  return {
    '/admin/sessions': { GET: async () => redirect(LIST, 301) },
    [LIST]: { GET: staffOnly(list) },
    '/admin/sessions/show': { GET: staffOnly(show) },
    '/admin/sessions/delete': { POST: staffForm(remove) },
    '/admin/sessions/clear-expired': { POST: staffForm(clear) },
    '/admin/login': { POST: enter },
    '/admin/logout': { POST: staffForm(leave) },
  };
}
