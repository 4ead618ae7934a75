import { createSessions } from '../../src/index.js';
import { cachedDbStore } from '../../src/stores/cached-db.js';
import { postgresStore } from '../../src/stores/postgres.js';
import { redisStore } from '../../src/stores/redis.js';
import { postgres, redis, secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

// Redis in front of PostgreSQL, the cache in a namespace of its own as the cached_db docs advise.
const store = cachedDbStore({
  cache: redisStore({ ...redis(), cachePrefix: 'sessionkit.cached_db' }),
  db: postgresStore(postgres()),
});
serveExpress(createSessions({ secret, store }));
