// Ceiling: node:http with no session at all, so /visit always answers 1.
import http from 'node:http';

const send = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

http
  .createServer((req, res) => {
    if (req.url === '/visit') send(res, 200, 'Visit count:1');
    else if (req.url === '/hello') send(res, 200, 'Hello, world');
    else send(res, 404, 'Not found');
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
