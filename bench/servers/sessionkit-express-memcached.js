import { createSessions } from '../../src/index.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { memcachedUrl, secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: memcachedStore({ url: memcachedUrl() }) }));
