/**
 * Starts the demo: `npm start`. Settings come from the environment with Django's names (SECRET_KEY,
 * SESSION_ENGINE, DATABASE_URL, SESSION_COOKIE_AGE, …); FRAMEWORK chooses the framework (node, express,
 * fastify, koa, hono or fetch; node by default), HOST and PORT where it listens. Django's users are read
 * from the auth_user table of DATABASE_URL's database, whatever the engine.
 */
import type { AddressInfo } from 'node:net';
import { optionsFromEnv } from '../../src/config/env.js';
import { SessionConfigError } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import { adminTokenFromEnv, createDemoServer, type DemoData, type DemoUserDatabase, demoUserDatabase, parseFramework } from './app.js';

async function main(): Promise<void> {
  const framework = parseFramework(process.env.FRAMEWORK);
  const host = process.env.HOST || '127.0.0.1';
  const port = Number(process.env.PORT || 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SessionConfigError(`PORT=${process.env.PORT} is not a port number.`);

  const { options, engine, description } = optionsFromEnv(process.env);
  const adminToken = adminTokenFromEnv(process.env);
  const sessions = createSessions<DemoData>(options);
  let users: DemoUserDatabase;
  try {
    users = demoUserDatabase(process.env, options.store);
  } catch (error) {
    // A DATABASE_URL the users cannot use: the store opened for the sessions must not keep the process up.
    await sessions.close();
    throw error;
  }
  const server = await createDemoServer(sessions, framework, { engine, adminToken, users });
  server.listen(port, host, () => {
    const { address, port: actual } = server.address() as AddressInfo;
    const shown = address.includes(':') ? `[${address}]` : address;
    console.log(`sessionkit demo (${framework}) listening on http://${shown}:${actual}/`);
    console.log(`session engine: ${description}`);
  });

  const stop = (): void => {
    server.close(() => void Promise.all([users.close(), sessions.close()]));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // A misconfiguration is the user's to fix: print the message that says how, not a stack trace.
  if (!(error instanceof SessionConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
});
