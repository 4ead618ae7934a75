import { createSessions } from '../../src/index.js';
import { postgresStore } from '../../src/stores/postgres.js';
import { postgres, secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: postgresStore(postgres()) }));
