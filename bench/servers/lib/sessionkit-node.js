// JavaScript rather than TypeScript so the root typecheck (which includes bench/) does not depend on the
// library's work in progress; bench/tsconfig.sessionkit.json still type-checks these files against src/.
import http from 'node:http';
import { withSessions } from '../../../src/adapters/node.js';

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} body */
const send = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

// Same routes and response headers as bare-node.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export function serveNode(sessions) {
  http
    .createServer(
      withSessions(sessions, async (req, res) => {
        if (req.url === '/visit') {
          const visit = Number((await req.session.get('visit')) ?? 0) + 1;
          await req.session.set('visit', visit);
          send(res, 200, `Visit count:${visit}`);
        } else if (req.url === '/hello') send(res, 200, 'Hello, world');
        else send(res, 404, 'Not found');
      }),
    )
    .listen(Number(process.env.PORT), '127.0.0.1');
}
