/**
 * Django's users in the demo, as `django.contrib.auth`'s views have them: log in with a password (`next`
 * only to a path of this site), the profile (login required), a password change that keeps this session
 * and ends the others, logout (a flush), and `/whoami` for scripts. A form with an error is shown again
 * with 200, as Django's forms are. Their POSTs pass the demo's refusal of cross-site requests first.
 */
import { type DjangoUser, type DjangoUsers, UserTableError } from '../../../src/auth/index.js';
import { getMessages, success } from '../../../src/messages/index.js';
import type { Session } from '../../../src/session.js';
import type { DemoContext } from '../context.js';
import { type DemoData, type DemoRequest, type DemoResponse, html, json, redirect } from '../exchange.js';
import { sessionKeyHash } from '../key-hash.js';
import { localPath, loginUrl } from './next-path.js';
import { ACCOUNT_PATH, accountLoggedOutPage, accountLoginPage, profilePage } from './pages.js';

type Route = (req: DemoRequest) => Promise<DemoResponse>;

/** What `GET /whoami` answers. */
export interface WhoAmI {
  readonly authenticated: boolean;
  /** The user's primary key; `null` when anonymous. */
  readonly id: number | string | null;
  readonly username: string | null;
}

const LOGIN = '/accounts/login/';
// Django's User.username max_length; Django hashes no longer passwords than this either (since 4.2).
const MAX_USERNAME_LENGTH = 150;
const MAX_PASSWORD_LENGTH = 4096;
// Django's AuthenticationForm, word for word (its USERNAME_FIELD is "username").
const INVALID_LOGIN = 'Please enter a correct username and password. Note that both fields may be case-sensitive.';

/** `value` of a form field as text; `''` when absent or not text. */
function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** The hash of the session's key, once its data is loaded; `null` without one. */
function currentKeyHash(session: Session<DemoData>): string | null {
  return session.sessionKey === null ? null : sessionKeyHash(session.sessionKey);
}

/** The routes of Django's users. */
export function accountRoutes({ accounts, options }: DemoContext): Record<string, Record<string, Route>> {
  const { auth, database } = accounts;

  /**
   * `work` on the users; while their table is missing (or since it went), `unavailable` with what is missing.
   * A table without a column the users need is told in the server log: its message names the database.
   */
  async function withUsers(work: (users: DjangoUsers) => Promise<DemoResponse>, unavailable: (reason: string) => Promise<DemoResponse>): Promise<DemoResponse> {
    const state = await database.ready();
    if (!state.ok) return unavailable(state.reason);
    try {
      return await work(state.users);
    } catch (error) {
      if (!(error instanceof UserTableError)) throw error;
      database.forget();
      const again = await database.ready();
      if (!again.ok) return unavailable(again.reason);
      options.logger.warn(`sessionkit demo: ${error.message}`);
      return unavailable('The user table lacks a column the demo reads; the server log says which.');
    }
  }

  async function loginForm(
    session: Session<DemoData>,
    facts: { error?: string; username?: string; next?: string | undefined; unavailable?: string | undefined },
  ): Promise<DemoResponse> {
    const messages = await getMessages(session);
    return html(200, accountLoginPage({ ...facts, messages, current: currentKeyHash(session) }));
  }

  async function showLogin({ session, url }: DemoRequest): Promise<DemoResponse> {
    const next = localPath(url.searchParams.get('next')) ?? undefined;
    const state = await database.ready();
    return loginForm(session, { next, unavailable: state.ok ? undefined : state.reason });
  }

  async function logIn({ session, url, readBody }: DemoRequest): Promise<DemoResponse> {
    const body = await readBody();
    // As Django's LoginView: the form's `next`, else the page address's.
    const next = localPath(Object.hasOwn(body, 'next') ? body.next : url.searchParams.get('next')) ?? undefined;
    // Django's form: the username trimmed and NFKC-normalised (UsernameField), the password as typed.
    const username = field(body, 'username').trim().normalize('NFKC');
    const password = field(body, 'password');
    const refuse = (error: string): Promise<DemoResponse> => loginForm(session, { error, username, next });
    if (username === '' || password === '') return refuse('Enter your username and your password.');
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) return refuse(INVALID_LOGIN);
    return withUsers(
      async (users) => {
        const user = await users.authenticate(username, password);
        if (user === null) return refuse(INVALID_LOGIN);
        // A new key, or a flush when another user was logged in: a key planted beforehand is worthless.
        await auth.login(session, user);
        await success(session, `Welcome, ${user.username}. You logged in with Django's auth, under a new session key.`);
        return redirect(next ?? ACCOUNT_PATH);
      },
      (reason) => loginForm(session, { next, unavailable: reason }),
    );
  }

  /** `route` for a logged-in user; anonymous visitors go to the login page, which brings them back. */
  const loginRequired =
    (back: string, route: (req: DemoRequest, user: DjangoUser) => Promise<DemoResponse>): Route =>
    async (req) => {
      const user = await auth.getUser(req.session);
      // As Django's login_required: 302 to the login page with `next`.
      if (user === null) return redirect(loginUrl(back), 302);
      return route(req, user);
    };

  async function profile({ session }: DemoRequest, user: DjangoUser, error?: string): Promise<DemoResponse> {
    return html(200, profilePage(user, await getMessages(session), currentKeyHash(session), error));
  }

  async function changePassword(req: DemoRequest, user: DjangoUser): Promise<DemoResponse> {
    const password = field(await req.readBody(), 'new_password');
    if (password === '') return profile(req, user, 'Enter the new password.');
    if (password.length > MAX_PASSWORD_LENGTH) return profile(req, user, `Enter a password of at most ${MAX_PASSWORD_LENGTH} characters.`);
    return withUsers(
      async (users) => {
        const changed = await users.setPassword(user, password);
        // Django's update_session_auth_hash: this session stays logged in, under a new key.
        await auth.updateSessionAuthHash(req.session, changed);
        await success(req.session, 'Your password was changed. This browser stays logged in; your other sessions have ended.');
        return redirect(ACCOUNT_PATH);
      },
      async () => redirect(LOGIN),
    );
  }

  async function logOut({ session }: DemoRequest): Promise<DemoResponse> {
    await auth.logout(session);
    return html(200, accountLoggedOutPage());
  }

  async function whoami({ session }: DemoRequest): Promise<DemoResponse> {
    const user = await auth.getUser(session);
    const answer: WhoAmI = user === null ? { authenticated: false, id: null, username: null } : { authenticated: true, id: user.id, username: user.username };
    return json(200, answer);
  }

  return {
    [LOGIN]: { GET: showLogin, POST: logIn },
    [ACCOUNT_PATH]: { GET: loginRequired(ACCOUNT_PATH, (req, user) => profile(req, user)) },
    '/accounts/password/': { POST: loginRequired(ACCOUNT_PATH, changePassword) },
    '/accounts/logout/': { POST: logOut },
    '/whoami': { GET: whoami },
  };
}
