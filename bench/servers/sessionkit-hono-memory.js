import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveHono } from './lib/sessionkit-hono.js';

serveHono(createSessions({ secret, store: memoryStore() }));
