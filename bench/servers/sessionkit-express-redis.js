import { createSessions } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis.js';
import { redis, secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: redisStore(redis()) }));
