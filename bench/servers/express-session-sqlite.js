// connect-sqlite3 at its defaults (no WAL), as most of its users run it.

import connectSqlite3 from 'connect-sqlite3';
import session from 'express-session';
import { serveExpressSession } from './peer-lib/express-session-app.js';

const SQLiteStore = connectSqlite3(session);
serveExpressSession(new SQLiteStore({ dir: process.env.BENCH_TMP, db: 'express-session.sqlite3' }));
