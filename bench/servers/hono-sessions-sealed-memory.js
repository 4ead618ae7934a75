// hono-sessions with its MemoryStore and an `encryptionKey`, as its README recommends: the session id in the
// cookie sealed (iron) on every response.
import { serveHonoSessions } from './peer-lib/hono-sessions-app.js';

serveHonoSessions(process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a');
