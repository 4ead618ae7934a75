import { createSessions } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis.js';
import { redis, secret } from './lib/env.js';
import { serveFastify } from './lib/sessionkit-fastify.js';

await serveFastify(createSessions({ secret, store: redisStore(redis()) }));
