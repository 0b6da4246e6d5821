import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { jobBody, outputOf, parseAnswer } from '../../../canisters/bridge/answers';
import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { AUDIT_CANDIDATES, auditOrder } from '../../../canisters/bridge/auditors';
import { DisputeDesk, STALE_DISPUTE_NS } from '../../../canisters/bridge/dispute_desk';
import { LONG_RERUN_NS } from '../../../canisters/bridge/long_reruns';
import type { Audit, DispatchRequest, Dispute, Endpoint, JobOutput, LongReRun, Result } from '../../../canisters/bridge/types';
import { answerBody, consumer, FakeTable, fakeWork, ok, principal, request, settings } from './fakes';

function setup(held: boolean = true, job: DispatchRequest = request()) {
  // Nodes 1 to 3 are the job's (node 1 ran it, 2 and 3 its spares); 4 to 6 are outside it.
  const work = fakeWork([1, 2, 3, 4, 5, 6]);
  /** What the marketplace names as auditor candidates (an Err: the call failed), and each ask's count. */
  const market = { candidates: [4, 5].map(principal) as Principal[] | string, asked: [] as number[] };
  const clock = { now: 1_000n };
  /** Runs before each outcall, with the node asked: what happens meanwhile. */
  const hooks: { beforePost?: (node: Principal) => Promise<void> } = {};
  const outputs = new FakeTable<bigint, JobOutput>();
  const settled = new FakeTable<bigint, DispatchRequest>();
  const replicas = new FakeTable<bigint, Endpoint[]>();
  const audits = new FakeTable<bigint, Audit>();
  const disputes = new FakeTable<bigint, Dispute>();
  const disputed = new FakeTable<string, bigint[]>();
  const reRuns = new FakeTable<bigint, LongReRun>();
  const deposits: boolean[] = [];
  /** The providers payment was asked to reward, per re-run. */
  const rewarded: string[][] = [];
  // A new desk on the same tables is what an upgrade leaves: stable memory kept, the heap lost.
  const newDesk = () =>
    new DisputeDesk({
      ...work,
      now: () => clock.now,
      post: async (r, endpoint, body, maxBytes) => {
        await hooks.beforePost?.(endpoint.node);
        return work.post(r, endpoint, body, maxBytes);
      },
      settings: () => settings(),
      outputs,
      settled,
      replicas,
      audits,
      disputes,
      disputed,
      reRuns,
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
  const desk = newDesk();
  // Node 1 ran job 1 and answered [1]; every other node answers [9] when re-run.
  const answer = parseAnswer(job, 200n, answerBody(1n, [1]));
  if (!('Ok' in answer)) throw new Error('bad fixture');
  outputs.insert(1n, outputOf(job, principal(1), answer.Ok, 0n));
  settled.insert(1n, job);
  for (const n of [2, 3, 4, 5, 6]) work.answers.set(principal(n).toText(), ok(answerBody(1n, [9])));
  return { work, market, clock, hooks, desk, newDesk, outputs, replicas, audits, disputes, reRuns, deposits, rewarded, job, runnerAnswer: answer.Ok };
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

  it('judges a redundant job’s agreeing replicas together against one auditor more than them, so two colluders lose', async () => {
    const { work, market, desk, outputs, replicas, deposits, rewarded } = setup(true, request({ redundancy: 2 }));
    // Nodes 1 and 2 ran the job and gave the same output; three nodes outside it re-run it. Node 2 dropped its
    // endpoint since: it is judged as it was kept, so that does not shield it.
    replicas.insert(1n, [work.endpointOf(principal(1))!, work.endpointOf(principal(2))!]);
    work.endpoints.delete(principal(2).toText());
    market.candidates = [4, 5, 6].map(principal);
    work.setVerdict(verdict([1, 2]));
    const decided = await desk.dispute(consumer, 1n);
    if (!('Ok' in decided)) throw new Error(JSON.stringify(decided));
    const compared = work.verified[0].answers;
    expect(compared.map((a) => a.node.toText())).toEqual([1, 2, 4, 5, 6].map((n) => principal(n).toText()));
    // The second replica is judged on the output it vouched for: the one delivered.
    expect(compared[1].output_sha256).toEqual(compared[0].output_sha256);
    expect(decided.Ok.state).toEqual({ upheld: null });
    expect(decided.Ok.auditors).toEqual([4, 5, 6].map(principal));
    expect(rewarded).toEqual([[14, 15, 16].map((n) => principal(n).toText())]);
    expect(outputs.get(1n)?.tokens).toEqual([9]);
    expect(deposits).toEqual([true]);
    // Listed against both replicas' providers.
    for (const provider of [11, 12]) expect(desk.disputesAgainst(principal(provider)).map((d) => d.job_id)).toEqual([1n]);
  });

  it('decides nothing on a redundant job when too few outside nodes answer to outvote its replicas', async () => {
    const { work, desk, replicas, deposits } = setup(true, request({ redundancy: 2 }));
    replicas.insert(1n, [work.endpointOf(principal(1))!, work.endpointOf(principal(2))!]);
    work.setVerdict(verdict([1, 2]));
    const decided = await desk.dispute(consumer, 1n);
    expect('Ok' in decided && decided.Ok).toMatchObject({ state: { undecided: null }, outcome: 'only 2 auditor(s) answered: not audited' });
    expect(work.verified).toEqual([]);
    expect(deposits).toEqual([true]);
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
    expect(second.audits.get(1n)?.outcome).toBe('no majority among the 3 answers');
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

describe('long jobs’ audits and disputes', () => {
  const long = request({ max_tokens: LONG_JOB_TOKENS });
  const accepted = ok(new TextEncoder().encode(JSON.stringify({ job_id: '1', status: 'accepted' })));
  const texts = (nodes: number[]) => nodes.map((n) => principal(n).toText());
  /** A desk with a settled long job whose outside nodes (4 to 6) acknowledge a long job's re-run. */
  function longSetup() {
    const t = setup(true, long);
    for (const n of [4, 5, 6]) t.work.answers.set(principal(n).toText(), accepted);
    return t;
  }
  const stateOf = (decided: Result<Dispute>) => ('Ok' in decided ? decided.Ok.state : decided);

  it('hands a disputed long job to two outside auditors asynchronously and decides when both posted', async () => {
    const { work, desk, outputs, disputes, reRuns, deposits, rewarded } = longSetup();
    expect(stateOf(await desk.dispute(consumer, 1n))).toEqual({ open: null });
    // Asked with the long-job protocol: the body a long job is dispatched with, acknowledged, nothing compared yet.
    expect(work.posts).toEqual(texts([4, 5]).map((node) => ({ node, body: jobBody(long) })));
    expect(reRuns.get(1n)?.auditors.map((e) => e.node)).toEqual([principal(4), principal(5)]);
    expect(work.verified).toEqual([]);
    expect(deposits).toEqual([]);
    // A second dispute is refused while the auditors owe their answers.
    expect(await desk.dispute(consumer, 1n)).toMatchObject({ Err: { NotDisputable: expect.any(String) } });

    expect(await desk.submitAnswer(principal(4), 1n, answerBody(1n, [9]))).toMatchObject({ Ok: { node: principal(4), tokens: [9] } });
    expect(disputes.get(1n)?.state).toEqual({ open: null });
    expect(work.verified).toEqual([]);

    work.setVerdict(verdict([1]));
    expect('Ok' in (await desk.submitAnswer(principal(5), 1n, answerBody(1n, [9])))).toBe(true);
    expect(work.verified[0].answers.map((a) => a.node.toText())).toEqual(texts([1, 4, 5]));
    expect(disputes.get(1n)).toMatchObject({ state: { upheld: null }, auditors: [principal(4), principal(5)], deposit_resolved: true });
    expect(outputs.get(1n)?.tokens).toEqual([9]);
    expect(deposits).toEqual([true]);
    expect(rewarded).toEqual([texts([14, 15])]);
    expect(reRuns.map.size).toBe(0);
    // A late post finds nothing.
    expect(await desk.submitAnswer(principal(5), 1n, answerBody(1n, [9]))).toEqual({ Err: { NotFound: null } });
  });

  it('takes an answer only from an auditor given the job, once, checked as a job’s result is', async () => {
    const { desk, reRuns } = longSetup();
    await desk.dispute(consumer, 1n);
    for (const stranger of [1, 2, 6])
      expect(await desk.submitAnswer(principal(stranger), 1n, answerBody(1n, [9]))).toEqual({
        Err: { Unauthorized: 'only a worker the job was given to may call this' },
      });
    const tampered = JSON.parse(new TextDecoder().decode(answerBody(1n, [9])));
    tampered.tokens[0] += 1;
    expect(await desk.submitAnswer(principal(4), 1n, new TextEncoder().encode(JSON.stringify(tampered)))).toEqual({
      Err: { InvalidInput: 'the output does not hash to the sha256 the worker claims' },
    });
    expect(await desk.submitAnswer(principal(4), 1n, answerBody(1n, Array(LONG_JOB_TOKENS + 1).fill(1)))).toMatchObject({
      Err: { InvalidInput: expect.any(String) },
    });
    expect('Ok' in (await desk.submitAnswer(principal(4), 1n, answerBody(1n, [9])))).toBe(true);
    expect(await desk.submitAnswer(principal(4), 1n, answerBody(1n, [9]))).toEqual({ Err: { NotFound: null } });
    expect(reRuns.get(1n)?.answers.map((a) => a.node)).toEqual([principal(4)]);
  });

  it('audits a long job the same way, recording the audit when the answers are in', async () => {
    const { work, desk, audits, job, runnerAnswer } = longSetup();
    work.setVerdict(verdict([]));
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(audits.get(1n)).toBeUndefined();
    for (const n of [4, 5]) await desk.submitAnswer(principal(n), 1n, answerBody(1n, [1]));
    expect(audits.get(1n)).toMatchObject({ auditors: [principal(4), principal(5)], outcome: 'all agreed' });
  });

  it('asks the next candidate when one does not take the job, and audits nothing when fewer than two take it', async () => {
    const { work, market, desk, reRuns, audits, job, runnerAnswer } = longSetup();
    market.candidates = [4, 5, 6].map(principal);
    work.answers.delete(principal(4).toText());
    await desk.audit(job, { endpoint: work.endpointOf(principal(1))!, answer: runnerAnswer });
    expect(reRuns.get(1n)?.auditors.map((e) => e.node)).toEqual([principal(5), principal(6)]);

    const few = longSetup();
    few.work.answers.delete(principal(4).toText());
    await few.desk.audit(few.job, { endpoint: few.work.endpointOf(principal(1))!, answer: few.runnerAnswer });
    expect(few.audits.get(1n)?.outcome).toBe('only 1 auditor(s) took the long job: not audited');
    expect(few.reRuns.map.size).toBe(0);
    expect(audits.get(1n)).toBeUndefined();
  });

  it('keeps an answer posted before its auditor’s acknowledgement came back, and decides once the job is handed out', async () => {
    const { work, hooks, desk, reRuns } = longSetup();
    work.setVerdict(verdict([]));
    // The fast auditors post while the bridge still waits for node 5's acknowledgement.
    hooks.beforePost = async (node) => {
      if (node.compareTo(principal(5)) !== 'eq') return;
      for (const n of [4, 5]) expect('Ok' in (await desk.submitAnswer(principal(n), 1n, answerBody(1n, [1])))).toBe(true);
    };
    expect(await desk.dispute(consumer, 1n)).toMatchObject({ Ok: { state: { rejected: null }, deposit_resolved: true } });
    expect(work.verified).toHaveLength(1);
    expect(reRuns.map.size).toBe(0);
  });

  it('survives an upgrade between the hand-out and the answers, and decides at the deadline with what came', async () => {
    const { work, clock, desk, newDesk, disputes, reRuns, deposits } = longSetup();
    await desk.dispute(consumer, 1n);
    const upgraded = newDesk();
    expect('Ok' in (await upgraded.submitAnswer(principal(4), 1n, answerBody(1n, [9])))).toBe(true);
    // Past the time a dispute interrupted by an upgrade waits, the timer leaves one whose auditors owe answers alone.
    clock.now += STALE_DISPUTE_NS + 1n;
    await upgraded.housekeeping();
    expect(work.posts).toHaveLength(2);
    expect(disputes.get(1n)?.state).toEqual({ open: null });

    clock.now = 1_000n + LONG_RERUN_NS + 1n;
    await upgraded.housekeeping();
    expect(disputes.get(1n)).toMatchObject({
      state: { undecided: null },
      auditors: [principal(4)],
      outcome: 'only 1 auditor(s) answered: not audited',
    });
    expect(deposits).toEqual([true]);
    expect(work.verified).toEqual([]);
    expect(reRuns.map.size).toBe(0);
    expect(await upgraded.submitAnswer(principal(5), 1n, answerBody(1n, [9]))).toEqual({ Err: { NotFound: null } });
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
