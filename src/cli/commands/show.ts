/** `sessionkit show KEY`: the decoded data of one stored session. */
import { DEFAULTS } from '../../options.js';
import type { Command } from '../command.js';
import { createDecoder, describeProblem } from '../decoding.js';
import { CommandFailure } from '../failures.js';
import { printLine } from '../output.js';
import { sessionKeyArgument, storedSessions } from './shared.js';

/** The `show` command. */
export const showCommand: Command = {
  name: 'show',
  summary: 'print the decoded data of one stored session',
  args: ['KEY'],
  description: `Loads the session KEY (the value of the session cookie) from the configured store and prints
its data as JSON, verified with SECRET_KEY (or SECRET_KEY_FALLBACKS) where the engine signs it. Fails when no live
session has that key, or when the stored data does not verify (a different SECRET_KEY).`,
  options: {},
  async run({ io, args, openEngine }) {
    const key = sessionKeyArgument(args[0]!, 'show');
    const engine = await openEngine({ usesSecret: true, readOnly: true });
    const store = storedSessions(engine, 'show');
    const record = await store.load(key);
    if (record === null) {
      throw new CommandFailure(`no live session has the key ${key}: it does not exist or has expired (${engine.origin.description}).`);
    }
    const result = createDecoder(engine.options)(engine.options.dataSalt ?? DEFAULTS.dataSalt, record.data, store.dataFormat);
    if (!result.ok) throw new CommandFailure(`session ${key} is stored, but ${describeProblem(result)}.`);
    printLine(io, JSON.stringify(result.data, null, 2));
  },
};
