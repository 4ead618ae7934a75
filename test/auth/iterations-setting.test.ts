/** PBKDF2_ITERATIONS: the one setting of the PBKDF2 count, read by the demo and the `sessionkit` command. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PBKDF2_ITERATIONS, pbkdf2IterationsFromEnv } from '../../src/auth/index.js';
import { SessionConfigError } from '../../src/index.js';

describe('pbkdf2IterationsFromEnv', () => {
  it("gives Django 5.2's count when unset or blank, and the count given otherwise", () => {
    expect(DEFAULT_PBKDF2_ITERATIONS).toBe(1_000_000);
    expect(pbkdf2IterationsFromEnv({})).toBe(1_000_000);
    expect(pbkdf2IterationsFromEnv({ PBKDF2_ITERATIONS: ' ' })).toBe(1_000_000);
    expect(pbkdf2IterationsFromEnv({ PBKDF2_ITERATIONS: '260000' })).toBe(260_000);
    expect(pbkdf2IterationsFromEnv({ PBKDF2_ITERATIONS: ' 1 ' })).toBe(1);
  });

  it.each(['0', '-5', '1e6', '260_000', '2.5', 'many', '2147483648'])('refuses %s, naming the variable and a count to use', (value) => {
    expect(() => pbkdf2IterationsFromEnv({ PBKDF2_ITERATIONS: value })).toThrow(SessionConfigError);
    expect(() => pbkdf2IterationsFromEnv({ PBKDF2_ITERATIONS: value })).toThrow(`PBKDF2_ITERATIONS=${value} is not a PBKDF2 count`);
  });
});
