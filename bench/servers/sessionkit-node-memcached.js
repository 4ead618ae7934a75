import { createSessions } from '../../src/index.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { memcachedUrl, secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: memcachedStore({ url: memcachedUrl() }) }));
