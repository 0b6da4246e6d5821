// When the job confirmation warns about payment's allowance: only when the allowance the approval sets would run
// short, for this job or for one whose escrow is still being taken.
import { describe, expect, it } from 'vitest';

import { allowanceWarnings, escrowCeiling, loadInFlightJobs } from '../../../src/frontend/lib/services/allowance';
import { escrowCharges } from '../../../src/frontend/lib/services/jobs';
import { fakeActors, job, LIT } from './fakes';

const request = job().request;

describe('allowance warnings', () => {
  it('stay silent for one provider at the quoted price, whatever allowance was in force before', () => {
    // The quote is the request's max_price: prices cannot rise past it, and the approval replaces the old allowance.
    const priced = { ...request, max_price: 1_000_000n, redundancy: 1 };
    expect(allowanceWarnings(escrowCharges(1_000_000n, LIT.fee), priced, [], LIT)).toEqual([]);
  });

  it('stay silent for several providers quoted alike: each is already at the most one may cost', () => {
    const priced = { ...request, max_price: 1_000_000n, redundancy: 3 };
    expect(allowanceWarnings(escrowCharges(3_000_000n, LIT.fee), priced, [], LIT)).toEqual([]);
  });

  it('warn when the cheaper of two providers may rise to the dearer one’s price before the match', () => {
    // Quotes of 0.01 and 0.02: max_price is 0.02, so payment may escrow up to 0.04 (+ fee) against 0.03 (+ fee).
    const priced = { ...request, max_price: 2_000_000n, redundancy: 2 };
    expect(allowanceWarnings(escrowCharges(3_000_000n, LIT.fee), priced, [], LIT)).toEqual([
      'If prices rise before your job is matched, payment may need up to 0.0401 LIT, more than the 0.0301 LIT this approval allows: the job would then be refused and only the approval’s fee spent.',
    ]);
  });

  it('warn when a job of the user’s is still having its escrow taken, since the approval replaces its allowance', () => {
    const priced = { ...request, max_price: 1_000_000n, redundancy: 1 };
    const charges = escrowCharges(1_000_000n, LIT.fee);
    const taking = job({ id: 7n, state: { submitted: null } });
    expect(allowanceWarnings(charges, priced, [taking], LIT)).toEqual([
      'Payment is still taking the escrow of your job 7; this approval replaces the allowance it draws on with 0.0101 LIT, so a job may run short. Wait until it is matched.',
    ]);
    expect(allowanceWarnings(charges, priced, [taking, job({ id: 9n, state: { submitted: null } })], LIT)).toEqual([
      'Payment is still taking the escrow of your jobs 7, 9; this approval replaces the allowance it draws on with 0.0101 LIT, so a job may run short. Wait until they are matched.',
    ]);
    // A job in the user's reservation is prepaid: it draws on no allowance.
    const reserved = job({ id: 8n, state: { submitted: null }, request: { ...request, reservation: [4n] } });
    expect(escrowCeiling(reserved.request)).toBe(0n);
    expect(allowanceWarnings(charges, priced, [reserved], LIT)).toEqual([]);
  });

  it('reads the jobs whose escrow is being taken from the first page of the user’s jobs', async () => {
    const jobs = [job({ id: 3n, state: { submitted: null } }), job({ id: 2n, state: { matched: null } }), job({ id: 1n })];
    const { actors, calls } = fakeActors({ marketplace: { list_jobs: () => ({ Ok: { jobs, total: 3n } }) } });
    const read = await loadInFlightJobs(actors);
    expect(read.ok && read.value.map((j) => j.id)).toEqual([3n]);
    expect(calls).toEqual([{ canister: 'marketplace', method: 'list_jobs', args: [{ offset: 0n, limit: 100 }] }]);
    const refused = fakeActors({ marketplace: { list_jobs: () => ({ Err: { InvalidInput: 'limit: at most 100' } }) } });
    expect(await loadInFlightJobs(refused.actors)).toMatchObject({ ok: false });
  });
});
