import { createSessions } from '../../src/index.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: signedCookies() }));
