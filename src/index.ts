/**
 * sessionkit: Django's session framework for Node.js.
 * @packageDocumentation
 */
export { createSessions, SessionManager, type CommitRequest, type CommitResult } from './manager.js';
export type { SchemaIssue, SchemaResult, SessionSchema } from './core/data-schema.js';
export {
  Session,
  TEST_COOKIE_KEY,
  type DeclaredSessionData,
  type ExpiryQuery,
  type ReservedSessionData,
  type SessionData,
} from './session.js';
export {
  isWeakSecret,
  type LockingOptions,
  type ResolvedOptions,
  type SameSite,
  type SecurityEvent,
  type SessionLogger,
  type SessionOptions,
} from './options.js';
export {
  CreateError,
  SessionConfigError,
  SessionError,
  SessionInterrupted,
  SessionLockTimeout,
  SessionStoreUnavailable,
  SessionUpdateConflict,
  SessionValueError,
  SessionDataTooLarge,
  type SessionErrorCode,
  type SessionErrorStatus,
} from './errors.js';
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
  StoreLifecycle,
  StoreLogger,
  StoredSession,
  UpdateOutcome,
} from './core/store-contract.js';
export { mergeVary } from './policy.js';
export { isValidSessionKey, SESSION_KEY_LENGTH } from './core/session-key.js';
export { EXPIRY_KEY } from './core/expiry.js';
export { errorResponse, type ErrorResponse } from './core/error-response.js';
