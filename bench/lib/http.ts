import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export interface Reply {
  status: number;
  body: string;
  cookies: string[];
}

/** GET on loopback; `cookies` holds the `name=value` part of each Set-Cookie that sets a value. */
export const get = (port: number, path: string, cookie?: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';', 1)[0]?.trim() ?? '').filter((c) => /^[^=]+=(?!""$).+/.test(c));
        resolve({ status: res.statusCode ?? 0, body, cookies });
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
