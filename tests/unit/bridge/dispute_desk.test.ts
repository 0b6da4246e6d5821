import { describe, expect, it } from 'vitest';

import { outputOf, parseAnswer } from '../../../canisters/bridge/answers';
import { DisputeDesk } from '../../../canisters/bridge/dispute_desk';
import type { Audit, DispatchRequest, Dispute, JobOutput } from '../../../canisters/bridge/types';
import { answerBody, consumer, FakeTable, fakeWork, ok, principal, request, settings } from './fakes';

function setup(held: boolean = true) {
  const work = fakeWork();
  const outputs = new FakeTable<bigint, JobOutput>();
  const settled = new FakeTable<bigint, DispatchRequest>();
  const audits = new FakeTable<bigint, Audit>();
  const disputes = new FakeTable<bigint, Dispute>();
  const disputed = new FakeTable<string, bigint[]>();
  const deposits: boolean[] = [];
  const desk = new DisputeDesk({
    ...work,
    settings: () => settings(),
    outputs,
    settled,
    audits,
    disputes,
    disputed,
    holdDeposit: async () => (held ? { Ok: null } : { Err: 'insufficient allowance' }),
    resolveDeposit: async (_jobId, returned) => {
      deposits.push(returned);
      return { Ok: null };
    },
  });
  // Node 1 ran job 1 and answered [1]; nodes 2 and 3 answer [9] when re-run.
  const job = request();
  const answer = parseAnswer(job, 200n, answerBody(1n, [1]));
  if (!('Ok' in answer)) throw new Error('bad fixture');
  outputs.insert(1n, outputOf(job, principal(1), answer.Ok, 0n));
  settled.insert(1n, job);
  for (const n of [2, 3]) work.answers.set(principal(n).toText(), ok(answerBody(1n, [9])));
  return { work, desk, outputs, audits, disputes, deposits, job, runnerAnswer: answer.Ok };
}

const verdict = (dissenting: number[]) => ({
  job_id: 1n,
  output_sha256: [new Uint8Array(32)] as [Uint8Array],
  agreeing: [],
  dissenting: dissenting.map(principal),
  penalties: [],
  at: 0n,
});

describe('disputes', () => {
  it('upholds a dispute the auditors’ majority disagrees with: the right output delivered, the deposit returned, listed against the runner', async () => {
    const { work, desk, outputs, deposits } = setup();
    work.setVerdict(verdict([1]));
    const decided = await desk.dispute(consumer, 1n);
    if (!('Ok' in decided)) throw new Error(JSON.stringify(decided));
    expect(decided.Ok.state).toEqual({ upheld: null });
    expect(decided.Ok.deposit_resolved).toBe(true);
    expect(decided.Ok.auditors).toEqual([principal(2), principal(3)]);
    expect(outputs.get(1n)?.tokens).toEqual([9]);
    expect(deposits).toEqual([true]);
    expect(desk.disputesAgainst(principal(11)).map((d) => d.job_id)).toEqual([1n]);
    expect(desk.disputesAgainst(principal(12))).toEqual([]);
  });

  it('rejects a dispute of a result the auditors agree with and forfeits the deposit', async () => {
    const { work, desk, outputs, deposits } = setup();
    work.setVerdict(verdict([]));
    const decided = await desk.dispute(consumer, 1n);
    expect('Ok' in decided && decided.Ok.state).toEqual({ rejected: null });
    expect(outputs.get(1n)?.tokens).toEqual([1]);
    expect(deposits).toEqual([false]);
  });

  it('keeps nothing when the deposit cannot be taken', async () => {
    const { desk, disputes } = setup(false);
    expect(await desk.dispute(consumer, 1n)).toEqual({ Err: { CallFailed: 'the deposit could not be taken: insufficient allowance' } });
    expect(disputes.map.size).toBe(0);
    expect(desk.disputesAgainst(principal(11))).toEqual([]);
  });

  it('refuses anyone but the consumer', async () => {
    const { desk } = setup();
    expect(await desk.dispute(principal(50), 1n)).toEqual({ Err: { Unauthorized: 'only the job’s consumer may dispute it' } });
  });
});

describe('audits', () => {
  it('records who re-ran the job and who disagreed', async () => {
    const { work, desk, audits, job, runnerAnswer } = setup();
    work.setVerdict(verdict([1]));
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(audits.get(1n)).toEqual({
      job_id: 1n,
      auditors: [principal(2), principal(3)],
      outcome: `disagreed: ${principal(1).toText()}`,
      at: 1_000n,
    });
  });

  it('decides nothing with fewer than two auditors', async () => {
    const { work, desk, audits, job, runnerAnswer } = setup();
    work.answers.delete(principal(3).toText());
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(audits.get(1n)?.outcome).toBe('only 1 auditor(s) answered: not audited');
    expect(work.verified).toEqual([]);
  });
});
