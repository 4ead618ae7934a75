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
const ROUNDS = 7;

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-auth-timing-'));
let users: DjangoUsers | undefined;
afterAll(async () => {
  await users?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The fastest time of each attempt, in milliseconds, over {@link ROUNDS} rounds that run every attempt once
 * in turn. Other work on the machine only ever adds time, and it lands on whichever attempt is running: the
 * fastest of several interleaved runs is each attempt's own cost, where one median per attempt, measured
 * one after the other, took a burst of load for a difference between them (a CI run on a busy machine).
 */
async function fastestMs<K extends string>(attempts: Record<K, () => Promise<unknown>>): Promise<Record<K, number>> {
  const names = Object.keys(attempts) as K[];
  const fastest = Object.fromEntries(names.map((name) => [name, Number.POSITIVE_INFINITY])) as Record<K, number>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const start = process.hrtime.bigint();
      await attempts[name]();
      fastest[name] = Math.min(fastest[name], Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return fastest;
}

it('an unknown username, an inactive user and an unusable password cost a hash, as a wrong password does', async () => {
  const file = join(dir, 'db.sqlite3');
  new Database(file).close();
  users = djangoUsers({ url: `sqlite:///${file}`, iterations: ITERATIONS });
  await users.migrate();
  await users.createUser({ username: 'alice', password: 'right' });
  await users.createUser({ username: 'inactive', password: 'right', isActive: false });
  await users.createUser({ username: 'locked', password: null });
  const source = users;

  const { lookup, wrongPassword, unknownUser, inactiveUser, unusable } = await fastestMs({
    lookup: () => source.getByUsername('nobody'),
    wrongPassword: () => source.authenticate('alice', 'wrong'),
    unknownUser: () => source.authenticate('nobody', 'wrong'),
    inactiveUser: () => source.authenticate('inactive', 'right'),
    unusable: () => source.authenticate('locked', 'wrong'),
  });

  // A hash, not a look-up: the refusals cost what a wrong password costs, within a generous margin.
  expect(wrongPassword).toBeGreaterThan(20 * lookup);
  for (const refusal of [unknownUser, inactiveUser, unusable]) {
    expect(refusal).toBeGreaterThan(0.5 * wrongPassword);
    expect(refusal).toBeLessThan(2 * wrongPassword);
  }
});
