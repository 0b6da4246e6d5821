// The command line's governance proposal refuses an action it does not offer before it calls anything.
import { describe, expect, it } from 'vitest';

import type { Connection } from '../../../src/cli/connect';
import { propose } from '../../../src/cli/governance';

describe('governance propose', () => {
  // A connection that throws on any use: a refused action must not reach the ledger (no approval, no fee).
  const untouched = new Proxy({} as Connection, {
    get: (_, name) => {
      throw new Error(`used the connection's ${String(name)}`);
    },
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'upgrade'])(
    'refuses the action %s, naming the ones it offers, without approving a deposit',
    async (action) => {
      await expect(propose(untouched, 'Summary', action)).rejects.toThrow(`no action ${action}: one of text, pause-intake, resume-intake`);
    },
  );
});
