// Django's last-write-wins (no compare-and-set on save), next to the default to show what lost-update protection costs.
import { createSessions } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { secret, sqlitePath } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: sqliteStore({ path: sqlitePath }), mergeConcurrentUpdates: false }));
