/**
 * djangoUsers.authenticate takes as long for an unknown username, an inactive user or an unusable password
 * as for a wrong password (Django's defence against telling them apart by timing, ticket #20760): each runs
 * one password hash at the configured count. Real time: the hashes are measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { type DjangoUsers, djangoUsers } from '../../src/auth/index.js';

// Enough that a hash (tens of milliseconds) dwarfs a SQLite look-up (tens of microseconds).
const ITERATIONS = 200_000;
const ROUNDS = 5;

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-auth-timing-'));
let users: DjangoUsers | undefined;
afterAll(async () => {
  await users?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The median time of `attempt`, in milliseconds. */
async function medianMs(attempt: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await attempt();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

it('an unknown username, an inactive user and an unusable password cost a hash, as a wrong password does', async () => {
  const file = join(dir, 'db.sqlite3');
  new Database(file).close();
  users = djangoUsers({ url: `sqlite:///${file}`, iterations: ITERATIONS });
  await users.migrate();
  await users.createUser({ username: 'alice', password: 'right' });
  await users.createUser({ username: 'inactive', password: 'right', isActive: false });
  await users.createUser({ username: 'locked', password: null });

  const lookup = await medianMs(() => users!.getByUsername('nobody'));
  const wrongPassword = await medianMs(() => users!.authenticate('alice', 'wrong'));
  const unknownUser = await medianMs(() => users!.authenticate('nobody', 'wrong'));
  const inactiveUser = await medianMs(() => users!.authenticate('inactive', 'right'));
  const unusable = await medianMs(() => users!.authenticate('locked', 'wrong'));

  // A hash, not a look-up: the refusals cost what a wrong password costs, within a generous margin.
  expect(wrongPassword).toBeGreaterThan(20 * lookup);
  for (const refusal of [unknownUser, inactiveUser, unusable]) {
    expect(refusal).toBeGreaterThan(0.5 * wrongPassword);
    expect(refusal).toBeLessThan(2 * wrongPassword);
  }
});
