import { createSessions } from '../../src/index.js';
import { fileStore } from '../../src/stores/file.js';
import { secret, sessionDirectory } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: fileStore({ directory: sessionDirectory() }) }));
