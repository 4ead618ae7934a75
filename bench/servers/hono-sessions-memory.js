// hono-sessions with its MemoryStore at its defaults: no `encryptionKey`, so the cookie carries the session
// id as it is, as sessionkit's does.
import { serveHonoSessions } from './peer-lib/hono-sessions-app.js';

serveHonoSessions(undefined);
