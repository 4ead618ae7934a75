// connect-redis 9 (the newest that runs on Node 20) on the `redis` client it is written for, at its defaults.
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { serveExpressSession } from './peer-lib/express-session-app.js';

const client = createClient({ url: process.env.BENCH_REDIS_URL });
client.on('error', (err) => console.error('redis client:', err.message));
await client.connect();
serveExpressSession(new RedisStore({ client, prefix: `${process.env.BENCH_REDIS_PREFIX}:` }));
