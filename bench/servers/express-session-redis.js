// connect-redis 9 (the newest that runs on Node 20) on the `redis` client it is written for, at its defaults.
import express from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

const client = createClient({ url: process.env.BENCH_REDIS_URL });
client.on('error', (err) => console.error('redis client:', err.message));
await client.connect();
const store = new RedisStore({ client, prefix: `${process.env.BENCH_REDIS_PREFIX}:` });

const app = express();
app.use(session({ store, secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a', resave: false, saveUninitialized: false }));
app.get('/visit', (req, res) => {
  req.session.visit = (req.session.visit ?? 0) + 1;
  res.type('text/plain').send(`Visit count:${req.session.visit}`);
});
app.get('/hello', (req, res) => res.type('text/plain').send('Hello, world'));
app.listen(Number(process.env.PORT), '127.0.0.1');
