import { createSessions } from '../../src/index.js';
import { mysqlStore } from '../../src/stores/mysql.js';
import { mysql, secret } from './lib/env.js';
import { serveNode } from './lib/sessionkit-node.js';

serveNode(createSessions({ secret, store: mysqlStore(mysql()) }));
