import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { outputOf, parseAnswer } from '../../../canisters/bridge/answers';
import { AUDIT_CANDIDATES, auditOrder } from '../../../canisters/bridge/auditors';
import { DisputeDesk } from '../../../canisters/bridge/dispute_desk';
import type { Audit, DispatchRequest, Dispute, JobOutput } from '../../../canisters/bridge/types';
import { answerBody, consumer, FakeTable, fakeWork, ok, principal, request, settings } from './fakes';

function setup(held: boolean = true) {
  // Nodes 1 to 3 are the job's (node 1 ran it, 2 and 3 its spares); 4 to 6 are outside it.
  const work = fakeWork([1, 2, 3, 4, 5, 6]);
  /** What the marketplace names as auditor candidates (an Err: the call failed), and each ask's count. */
  const market = { candidates: [4, 5].map(principal) as Principal[] | string, asked: [] as number[] };
  const outputs = new FakeTable<bigint, JobOutput>();
  const settled = new FakeTable<bigint, DispatchRequest>();
  const audits = new FakeTable<bigint, Audit>();
  const disputes = new FakeTable<bigint, Dispute>();
  const disputed = new FakeTable<string, bigint[]>();
  const deposits: boolean[] = [];
  /** The providers payment was asked to reward, per re-run. */
  const rewarded: string[][] = [];
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
    auditCandidates: async (_jobId, count) => {
      market.asked.push(count);
      return typeof market.candidates === 'string' ? { Err: market.candidates } : { Ok: market.candidates };
    },
    // bound - 1 keeps every candidate in place, so the order is the marketplace's unless a test says otherwise.
    randomBelow: (bound) => bound - 1,
    payAuditors: async (_jobId, providers) => {
      rewarded.push(providers.map((p) => p.toText()));
      return { Ok: null };
    },
  });
  // Node 1 ran job 1 and answered [1]; every other node answers [9] when re-run.
  const job = request();
  const answer = parseAnswer(job, 200n, answerBody(1n, [1]));
  if (!('Ok' in answer)) throw new Error('bad fixture');
  outputs.insert(1n, outputOf(job, principal(1), answer.Ok, 0n));
  settled.insert(1n, job);
  for (const n of [2, 3, 4, 5, 6]) work.answers.set(principal(n).toText(), ok(answerBody(1n, [9])));
  return { work, market, desk, outputs, audits, disputes, deposits, rewarded, job, runnerAnswer: answer.Ok };
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
    const { work, desk, outputs, deposits, rewarded } = setup();
    work.setVerdict(verdict([1]));
    const decided = await desk.dispute(consumer, 1n);
    if (!('Ok' in decided)) throw new Error(JSON.stringify(decided));
    expect(decided.Ok.state).toEqual({ upheld: null });
    expect(decided.Ok.deposit_resolved).toBe(true);
    expect(decided.Ok.auditors).toEqual([principal(4), principal(5)]);
    expect(rewarded).toEqual([[principal(14).toText(), principal(15).toText()]]);
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
      auditors: [principal(4), principal(5)],
      outcome: `disagreed: ${principal(1).toText()}`,
      at: 1_000n,
    });
  });

  it('decides nothing with fewer than two auditors', async () => {
    const { work, desk, audits, job, runnerAnswer } = setup();
    work.answers.delete(principal(5).toText());
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(audits.get(1n)?.outcome).toBe('only 1 auditor(s) answered: not audited');
    expect(work.verified).toEqual([]);
  });

  it('asks only nodes from outside the job, at most two, whatever the marketplace names', async () => {
    const { work, market, desk, audits, job, runnerAnswer } = setup();
    // A marketplace naming the job's own spares would not get them asked: they could collude against the runner.
    market.candidates = [2, 3, 4, 5, 6].map(principal);
    work.setVerdict(verdict([]));
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(market.asked).toEqual([AUDIT_CANDIDATES]);
    expect(work.posts.map((p) => p.node)).toEqual([principal(4).toText(), principal(5).toText()]);
    expect(audits.get(1n)?.auditors).toEqual([principal(4), principal(5)]);
  });

  it('rewards the providers of the auditors who agreed with the majority, and nobody when there is none', async () => {
    const { work, desk, rewarded, job, runnerAnswer } = setup();
    // Node 5 dissents: only node 4's provider (14) is rewarded.
    work.setVerdict(verdict([5]));
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(rewarded).toEqual([[principal(14).toText()]]);

    const second = setup();
    second.work.setVerdict({ ...verdict([]), output_sha256: [] as [] });
    await second.desk.audit(second.job, { endpoint: second.work.endpointOf(principal(1))!, answer: second.runnerAnswer });
    expect(second.audits.get(1n)?.outcome).toBe('no majority among the three answers');
    expect(second.rewarded).toEqual([]);
  });

  it('leaves a job not audited, and a dispute undecided with its deposit returned, when no outside node can audit it', async () => {
    const { work, market, desk, audits, deposits, job, runnerAnswer } = setup();
    market.candidates = [];
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(audits.get(1n)?.outcome).toBe('only 0 auditor(s) answered: not audited');
    expect(work.posts).toEqual([]);

    audits.remove(1n);
    market.candidates = 'marketplace call failed: unreachable';
    const decided = await desk.dispute(consumer, 1n);
    expect('Ok' in decided && decided.Ok).toMatchObject({
      state: { undecided: null },
      auditors: [],
      outcome: 'auditor candidates: marketplace call failed: unreachable: not audited',
    });
    expect(deposits).toEqual([true]);
    expect(work.verified).toEqual([]);
  });
});

describe('the auditors’ draw', () => {
  const { endpoints, endpointOf } = fakeWork([1, 2, 3, 4, 5, 6]);
  // Node 7 belongs to the runner's provider (11), node 8 to node 4's (14); node 9 has no endpoint.
  endpoints.set(principal(7).toText(), { node: principal(7), provider: principal(11), url: 'http://node7', registered_at: 0n });
  endpoints.set(principal(8).toText(), { node: principal(8), provider: principal(14), url: 'http://node8', registered_at: 0n });
  const job = [1, 2, 3].map(principal);
  const drawn = (candidates: number[], randomBelow: (bound: number) => number) =>
    auditOrder(candidates.map(principal), job, endpointOf, randomBelow).map((e) => e.node.toText());

  it('leaves out the job’s nodes, its providers’ other nodes, a provider’s second node and nodes with no endpoint', () => {
    expect(drawn([2, 7, 4, 8, 9, 5, 1, 6], (bound) => bound - 1)).toEqual([4, 5, 6].map((n) => principal(n).toText()));
  });

  it('orders the eligible at random: each order follows the draws', () => {
    expect(drawn([4, 5, 6], () => 0)).toEqual([5, 6, 4].map((n) => principal(n).toText()));
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      let state = seed;
      seen.add(drawn([4, 5, 6], (bound) => (state = (state * 7 + 3) % 101) % bound).join());
    }
    expect(seen.size).toBe(6);
  });
});
