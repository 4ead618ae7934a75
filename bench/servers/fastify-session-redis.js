// @fastify/session on connect-redis 9 (its store API is express-session's, which @fastify/session takes)
// and the `redis` client connect-redis is written for, at their defaults: the same store as express-session-redis.js.
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { serveFastifySession } from './peer-lib/fastify-session-app.js';

const client = createClient({ url: process.env.BENCH_REDIS_URL });
client.on('error', (err) => console.error('redis client:', err.message));
await client.connect();
await serveFastifySession(new RedisStore({ client, prefix: `${process.env.BENCH_REDIS_PREFIX}:` }));
