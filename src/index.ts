/**
 * sessionkit: Django's session framework for Node.js.
 * @packageDocumentation
 */

export type { SchemaIssue, SchemaResult, SessionSchema } from './core/data-schema.js';
export { type ErrorResponse, errorResponse } from './core/error-response.js';
export { EXPIRY_KEY } from './core/expiry.js';
export { isValidSessionKey, SESSION_KEY_LENGTH } from './core/session-key.js';
export type {
  ClearExpiredOptions,
  DataFormat,
  HeldLock,
  ListedSession,
  LockingStore,
  LockOptions,
  MigrateOutcome,
  RequestPathStore,
  SessionStore,
  StoreAdministration,
  StoreContext,
  StoredSession,
  StoreLifecycle,
  StoreLogger,
  UpdateOutcome,
} from './core/store-contract.js';
export {
  CreateError,
  SessionConfigError,
  SessionDataTooLarge,
  SessionError,
  type SessionErrorCode,
  type SessionErrorStatus,
  SessionInterrupted,
  SessionLockTimeout,
  SessionStoreUnavailable,
  SessionUpdateConflict,
  SessionValueError,
} from './errors.js';
export { type CommitRequest, type CommitResult, createSessions, SessionManager } from './manager.js';
export {
  isWeakSecret,
  type LockingOptions,
  type ResolvedOptions,
  type SameSite,
  type SecurityEvent,
  type SessionLogger,
  type SessionOptions,
} from './options.js';
export { mergeVary } from './policy.js';
export {
  type DeclaredSessionData,
  type ExpiryQuery,
  type ReservedSessionData,
  Session,
  type SessionData,
  TEST_COOKIE_KEY,
} from './session.js';
