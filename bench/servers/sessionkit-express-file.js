import { createSessions } from '../../src/index.js';
import { fileStore } from '../../src/stores/file.js';
import { secret, sessionDirectory } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: fileStore({ directory: sessionDirectory() }) }));
