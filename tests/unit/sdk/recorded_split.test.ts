// The split as payment recorded it, from history entries: what counts as the job's split and what the totals say.
import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../../canisters/payment/types';
import { splitFromHistory, splitTotals } from '../../../src/sdk/recorded_split';
import { job, principal } from '../frontend/fakes';

const provider = principal(70);
const treasury = principal(90);
const at = (when: bigint, owner: typeof provider, event: HistoryEvent) => ({ owner, entry: { index: 0n, at: when, event } });
const credited = (role: 'provider' | 'creator' | 'treasury', amount: bigint, jobId = 4n) => ({
  credited: { job_id: jobId, amount, role: { [role]: null } as never },
});

describe('splitFromHistory', () => {
  it('leaves out a dispute deposit forfeited to the treasury later: it was not paid by the job’s price', () => {
    const j = job({ id: 4n });
    const split = splitFromHistory(j, [
      at(5n, provider, credited('provider', 792n)),
      at(5n, j.creator, credited('creator', 49n)),
      at(5n, treasury, credited('treasury', 149n)),
      at(9n, treasury, credited('treasury', 990n)),
    ]);
    expect(split.credits.map((c) => [c.role, c.amount])).toEqual([
      ['provider', 792n],
      ['creator', 49n],
      ['treasury', 149n],
    ]);
  });

  it('finds nothing for a job payment never credited', () => {
    expect(splitFromHistory(job({ id: 4n }), [at(5n, provider, credited('provider', 1n, 5n))])).toEqual({ credits: [], refunds: [] });
  });
});

describe('splitTotals', () => {
  it('sums by role; what the escrow held beyond credits and refunds went to ledger fees', () => {
    const j = job({ id: 4n });
    // A late result: half refunded (less its transfer fee), the rest split after the sweep's fee.
    const split = splitFromHistory(j, [
      at(5n, provider, credited('provider', 392n)),
      at(5n, j.creator, credited('creator', 24n)),
      at(5n, treasury, credited('treasury', 74n)),
      at(5n, j.consumer, { refunded: { job_id: 4n, amount: 490n, fee: 10n } }),
    ]);
    expect(splitTotals(1_000n, split)).toEqual({ providers: 392n, creator: 24n, treasury: 74n, refunded: 490n, fees: 20n });
  });
});
