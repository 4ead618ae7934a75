/**
 * The session the messages API takes: a sessionkit `Session` of any data type. The messages live under a
 * key the application's data type need not declare, so they are reached through this narrow view.
 */
import type { Session, SessionData } from '../session.js';
import type { MESSAGES_SESSION_KEY } from './stored-message.js';

/** What the messages use of a session: Django's dict API on the `_messages` key. */
export interface MessagesSessionAccess {
  get(key: typeof MESSAGES_SESSION_KEY): Promise<unknown>;
  set(key: typeof MESSAGES_SESSION_KEY, value: string): Promise<void>;
  pop(key: typeof MESSAGES_SESSION_KEY): Promise<unknown>;
}

/** A session the messages API takes: `req.session` (or `ctx.session`, …) of any adapter, typed or not. */
export type MessagesSession<T extends SessionData = SessionData> = Session<T> | MessagesSessionAccess;

/** `session` as the messages use it. */
export function messagesAccess<T extends SessionData>(session: MessagesSession<T>): MessagesSessionAccess {
  return session as unknown as MessagesSessionAccess;
}
