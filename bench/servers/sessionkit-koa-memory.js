import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveKoa } from './lib/sessionkit-koa.js';

serveKoa(createSessions({ secret, store: memoryStore() }));
