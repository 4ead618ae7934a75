import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: memoryStore() }));
