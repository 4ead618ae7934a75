import { createSessions } from '../../src/index.js';
import { cachedDbStore } from '../../src/stores/cached-db.js';
import { postgresStore } from '../../src/stores/postgres.js';
import { redisStore } from '../../src/stores/redis.js';
import { postgres, redis, secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

// Redis in front of PostgreSQL, the cache in a namespace of its own as the cached_db docs advise.
const store = cachedDbStore({
  cache: redisStore({ ...redis(), cachePrefix: 'sessionkit.cached_db' }),
  db: postgresStore(postgres()),
});
serveNode(createSessions({ secret, store }));
