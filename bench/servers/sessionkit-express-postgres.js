import { createSessions } from '../../src/index.js';
import { postgresStore } from '../../src/stores/postgres.js';
import { postgres, secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: postgresStore(postgres()) }));
