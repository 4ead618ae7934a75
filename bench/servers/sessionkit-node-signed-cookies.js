import { createSessions } from '../../src/index.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: signedCookies() }));
