import { createSessions } from '../../src/index.js';
import { mysqlStore } from '../../src/stores/mysql.js';
import { mysql, secret } from './lib/env.js';
import { serveExpress } from './lib/sessionkit-express.js';

serveExpress(createSessions({ secret, store: mysqlStore(mysql()) }));
