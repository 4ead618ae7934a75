// Express ceiling: same routes, no session middleware.
import express from 'express';

const app = express();
app.get('/visit', (_req, res) => res.type('text/plain').send('Visit count:1'));
app.get('/hello', (_req, res) => res.type('text/plain').send('Hello, world'));
app.listen(Number(process.env.PORT), '127.0.0.1');
