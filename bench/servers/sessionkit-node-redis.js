import { createSessions } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis.js';
import { redis, secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: redisStore(redis()) }));
