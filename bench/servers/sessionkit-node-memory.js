import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: memoryStore() }));
