import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveFastify } from './lib/sessionkit-fastify.js';

await serveFastify(createSessions({ secret, store: memoryStore() }));
