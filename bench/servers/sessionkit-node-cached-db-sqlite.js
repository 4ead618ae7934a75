import { createSessions } from '../../src/index.js';
import { cachedDbStore } from '../../src/stores/cached-db.js';
import { memoryStore } from '../../src/stores/memory.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { secret, sqlitePath } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

// The in-process cache in front of SQLite.
const store = cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: sqlitePath }) });
serveNode(createSessions({ secret, store }));
