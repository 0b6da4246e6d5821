// The Provider page's Disputes section: every dispute of a job the provider's nodes ran, read from the bridge by
// provider (not only those that led to a slash), with the ruling and the deposit's fate in words.
import { describe, expect, it } from 'vitest';

import type { Dispute } from '../../../canisters/bridge/types';
import { depositWords, disputeStateWords } from '../../../src/frontend/lib/services/disputes';
import { loadProvider } from '../../../src/frontend/lib/services/provider';
import { fakeActors, LIT, principal } from './fakes';

const me = principal(40);

const dispute = (overrides: Partial<Dispute>): Dispute => ({
  job_id: 12n,
  consumer: principal(50),
  deposit: 5_000_000n,
  state: { open: null },
  auditors: [],
  outcome: '',
  deposit_resolved: false,
  opened_at: 1_000n,
  resolved_at: [],
  ...overrides,
});

describe('provider disputes', () => {
  it('say each ruling in words, from the provider’s side', () => {
    expect(disputeStateWords({ open: null })).toBe('open: auditors are running the job again');
    expect(disputeStateWords({ upheld: null })).toBe('upheld: the auditors’ majority disagreed with your worker’s answer');
    expect(disputeStateWords({ rejected: null })).toBe('rejected: the auditors’ majority agreed with your worker’s answer');
    expect(disputeStateWords({ undecided: null })).toBe('undecided: the audit reached no verdict');
  });

  it('say what became of the deposit: held, then returned unless rejected, once payment has moved it', () => {
    expect(depositWords(dispute({}), LIT)).toBe('0.05 LIT, held');
    expect(depositWords(dispute({ state: { upheld: null }, deposit_resolved: true }), LIT)).toBe('0.05 LIT, returned to the consumer');
    expect(depositWords(dispute({ state: { undecided: null }, deposit_resolved: false }), LIT)).toBe(
      '0.05 LIT, being returned to the consumer',
    );
    expect(depositWords(dispute({ state: { rejected: null }, deposit_resolved: true }), LIT)).toBe('0.05 LIT, forfeited by the consumer');
  });

  it('are read from the bridge by provider, including disputes that led to no slash', async () => {
    const listed = [dispute({ job_id: 14n, state: { rejected: null } }), dispute({ job_id: 12n, state: { upheld: null } })];
    const { actors, calls } = fakeActors({
      identity: {
        get_account: () => [],
        standing: () => ({ certified: true, bonded: 0n, min_stake: 0n, matchable: false }),
        get_stake: () => ({ bonded: 0n, unbonding: [], slashed: 0n }),
        settings: () => ({}),
        nodes_of: () => [],
        get_reputation: () => ({ bps: 5_000, history: [] }),
        slashes_of: () => [],
      },
      marketplace: { list_offers: () => ({ Ok: { offers: [], total: 0n } }) },
      payment: { owed_of: () => 0n },
      analytics: { account_flows: () => [], summary: () => ({ Err: { InvalidInput: 'no data' } }) },
      bridge: { disputes_against: () => listed },
    });
    const view = await loadProvider(actors, me);
    expect(view.ok && view.value.disputes.map((d) => d.job_id)).toEqual([14n, 12n]);
    expect(calls.filter((c) => c.canister === 'bridge')).toEqual([{ canister: 'bridge', method: 'disputes_against', args: [me] }]);
  });
});
