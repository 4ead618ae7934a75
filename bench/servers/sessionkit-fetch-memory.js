import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { secret } from './lib/env.js';
import { serveFetch } from './lib/sessionkit-fetch.js';

serveFetch(createSessions({ secret, store: memoryStore() }));
