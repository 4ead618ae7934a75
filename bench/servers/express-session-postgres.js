// connect-pg-simple at its defaults (its own pg pool of 10, pruning every 15 minutes), creating its table.

import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import { serveExpressSession } from './peer-lib/express-session-app.js';

const PgStore = connectPgSimple(session);
serveExpressSession(new PgStore({ conString: process.env.BENCH_POSTGRES_URL, tableName: process.env.BENCH_PG_TABLE, createTableIfMissing: true }));
