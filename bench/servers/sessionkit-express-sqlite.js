import { createSessions } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { secret, sqlitePath } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: sqliteStore({ path: sqlitePath }) }));
