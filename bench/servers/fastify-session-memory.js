// @fastify/session with its MemoryStore.
import { serveFastifySession } from './peer-lib/fastify-session-app.js';

await serveFastifySession(undefined);
