#!/usr/bin/env node
/**
 * The `sessionkit` executable: `npx sessionkit <command>` (`npx tsx src/cli/main.ts <command>` in
 * development). See `sessionkit --help`.
 */
import { runCli } from './run.js';

const status = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
// Every store is closed by now. A driver may still hold a timer (a reconnection attempt, a connect
// timeout) that would keep a cron job waiting for seconds; exit once the output has been handed over.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
process.exit(status);
