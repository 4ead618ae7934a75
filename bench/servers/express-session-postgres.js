// connect-pg-simple at its defaults (its own pg pool of 10, pruning every 15 minutes), creating its table.
import express from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';

const PgStore = connectPgSimple(session);
const store = new PgStore({ conString: process.env.BENCH_POSTGRES_URL, tableName: process.env.BENCH_PG_TABLE, createTableIfMissing: true });

const app = express();
app.use(session({ store, secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a', resave: false, saveUninitialized: false }));
app.get('/visit', (req, res) => {
  req.session.visit = (req.session.visit ?? 0) + 1;
  res.type('text/plain').send(`Visit count:${req.session.visit}`);
});
app.get('/hello', (req, res) => res.type('text/plain').send('Hello, world'));
app.listen(Number(process.env.PORT), '127.0.0.1');
