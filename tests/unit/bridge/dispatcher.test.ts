import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { jobBody } from '../../../canisters/bridge/answers';
import { Dispatcher } from '../../../canisters/bridge/dispatcher';
import { LONG_JOB_TOKENS, MAX_INPUT_BYTES } from '../../../canisters/shared/job_limits';
import type { Awaiting, DispatchRequest, Endpoint, JobOutput, Outcome } from '../../../canisters/bridge/types';
import type { Answered } from '../../../canisters/bridge/work';
import { answerBody, FakeTable, fakeWork, marketplace, ok, principal, request, settings } from './fakes';

function setup(auditRate = 0, draw = 0) {
  // Nodes 1 to 3 are the job's (request()'s: two runners and a spare at redundancy 2); 4 and 5 are outside it.
  const work = fakeWork([1, 2, 3, 4, 5]);
  /** What the marketplace names as auditor candidates (an Err: the call failed). */
  const market = { candidates: [4, 5].map(principal) as Principal[] | string };
  /** The providers payment was asked to reward, per call. */
  const rewarded: string[][] = [];
  const pending = new FakeTable<bigint, DispatchRequest>();
  const inCall = new FakeTable<bigint, boolean>();
  const awaiting = new FakeTable<bigint, Awaiting>();
  const outputs = new FakeTable<bigint, JobOutput>();
  const settled = new FakeTable<bigint, DispatchRequest>();
  const replicas = new FakeTable<bigint, Endpoint[]>();
  const reports: [bigint, Outcome][] = [];
  const scheduled: bigint[] = [];
  const audited: [DispatchRequest, Answered][] = [];
  // Deferred tasks run at once, and are counted.
  const deferred: unknown[] = [];
  const dispatcher = new Dispatcher({
    ...work,
    settings: () => settings({ audit_rate_bps: auditRate }),
    pending,
    inCall,
    awaiting,
    outputs,
    settled,
    replicas,
    schedule: (jobId) => void scheduled.push(jobId),
    report: async (jobId, outcome) => void reports.push([jobId, outcome]),
    reportRun: () => undefined,
    draw: () => draw,
    audit: async (r, original) => void audited.push([r, original]),
    defer: (task) => void deferred.push(task()),
    auditCandidates: async () => (typeof market.candidates === 'string' ? { Err: market.candidates } : { Ok: market.candidates }),
    // bound - 1 keeps every candidate in place: the marketplace's order.
    randomBelow: (bound) => bound - 1,
    payAuditors: async (_jobId, providers) => {
      rewarded.push(providers.map((p) => p.toText()));
      return { Ok: null };
    },
  });
  return { work, market, rewarded, dispatcher, pending, inCall, awaiting, outputs, settled, replicas, reports, scheduled, audited, deferred };
}

const failed = (outcome: Outcome) => ('failed' in outcome ? outcome.failed : undefined);

describe('the hand-over', () => {
  it('takes jobs from the marketplace only', () => {
    const { dispatcher, pending, scheduled } = setup();
    expect(dispatcher.handOver(principal(50), request())).toEqual({ Err: { Unauthorized: 'only the marketplace may call this' } });
    expect(pending.map.size).toBe(0);
    expect(dispatcher.handOver(marketplace, request())).toEqual({ Ok: null });
    expect(scheduled).toEqual([1n]);
    expect(dispatcher.handOver(marketplace, request())).toEqual({ Err: { InvalidInput: 'job 1 was handed over before' } });
  });

  it.each([
    ['an input over the cap in UTF-8 bytes', { input: 'é'.repeat(MAX_INPUT_BYTES / 2 + 1) }, /input: 32770 bytes/],
    ['no nodes', { nodes: [] }, /nodes/],
    ['no tokens', { max_tokens: 0 }, /max_tokens/],
    ['too many tokens', { max_tokens: 1_000_000 }, /max_tokens/],
    ['redundancy 4', { redundancy: 4 }, /redundancy/],
  ])('refuses %s before anything is stored', (_name, over, reason) => {
    const { dispatcher, pending, scheduled } = setup();
    const refused = dispatcher.handOver(marketplace, request(over));
    expect('Err' in refused && 'InvalidInput' in refused.Err && refused.Err.InvalidInput).toMatch(reason);
    expect(pending.map.size).toBe(0);
    expect(scheduled).toEqual([]);
  });
});

describe('running a job inside the call (run)', () => {
  it('answers the output it stored and reports the job completed before replying', async () => {
    const { work, dispatcher, pending, outputs, settled, reports, scheduled } = setup();
    work.answers.set(principal(1).toText(), ok(answerBody(1n, [4, 5])));
    const ran = await dispatcher.runNow(marketplace, request());
    expect(ran).toEqual({ Ok: outputs.get(1n) });
    expect('Ok' in ran && ran.Ok.tokens).toEqual([4, 5]);
    expect(reports).toEqual([[1n, { completed: { output_sha256: outputs.get(1n)!.output_sha256, paid_nodes: [principal(1)] } }]]);
    expect(settled.containsKey(1n)).toBe(true);
    expect(pending.map.size).toBe(0);
    // Run now, not from a timer.
    expect(scheduled).toEqual([]);
  });

  it('answers why the job failed, the reason the marketplace was told', async () => {
    const { dispatcher, outputs, reports } = setup();
    const ran = await dispatcher.runNow(marketplace, request());
    expect(ran).toEqual({ Err: { RunFailed: failed(reports[0][1]) } });
    expect(failed(reports[0][1])).toMatch(/^0 of 1 nodes answered; .*connection refused/);
    expect(outputs.map.size).toBe(0);
  });

  it('refuses a long job, a stranger and a job handed over before, storing nothing and asking no node', async () => {
    const { work, dispatcher, pending, reports } = setup();
    const long = await dispatcher.runNow(marketplace, request({ max_tokens: LONG_JOB_TOKENS }));
    expect('Err' in long && 'InvalidInput' in long.Err && long.Err.InvalidInput).toMatch(/max_tokens: below 384/);
    expect(await dispatcher.runNow(principal(50), request())).toEqual({ Err: { Unauthorized: 'only the marketplace may call this' } });
    expect(pending.map.size).toBe(0);
    expect(dispatcher.handOver(marketplace, request())).toEqual({ Ok: null });
    expect(await dispatcher.runNow(marketplace, request())).toEqual({ Err: { InvalidInput: 'job 1 was handed over before' } });
    expect(work.posts).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('keeps the job pending and marked in call while it runs, so an upgrade meanwhile drops it (the marketplace refunds it)', async () => {
    const { work, dispatcher, pending, inCall } = setup();
    // What the node is asked reads the tables as they are during the outcall.
    let seen: [DispatchRequest | undefined, boolean | undefined] = [undefined, undefined];
    work.answers.get = (node) => {
      seen = [pending.get(1n), inCall.get(1n)];
      return Map.prototype.get.call(work.answers, node);
    };
    await dispatcher.runNow(marketplace, request());
    expect(seen[0]?.job_id).toBe(1n);
    expect(seen[1]).toBe(true);
    expect(pending.map.size).toBe(0);
    expect(inCall.map.size).toBe(0);
  });
});

describe('running a job', () => {
  it('fails over to the next node, stores the answer, keeps the job for disputes and reports it', async () => {
    const { work, dispatcher, pending, outputs, settled, reports, audited } = setup();
    work.answers.set(principal(2).toText(), ok(answerBody(1n, [4, 5])));
    pending.insert(1n, request());
    await dispatcher.run(1n);
    expect(work.posts.map((p) => p.node)).toEqual([principal(1).toText(), principal(2).toText()]);
    expect(outputs.get(1n)?.tokens).toEqual([4, 5]);
    expect(outputs.get(1n)?.node.toText()).toBe(principal(2).toText());
    expect(settled.containsKey(1n)).toBe(true);
    expect(pending.map.size).toBe(0);
    expect(reports).toEqual([[1n, { completed: { output_sha256: outputs.get(1n)!.output_sha256, paid_nodes: [principal(2)] } }]]);
    expect(audited).toEqual([]);
  });

  it('audits a settled single answer when the draw falls under the audit rate', async () => {
    for (const [draw, audits] of [
      [999, 1],
      [1_000, 0],
    ]) {
      const { work, dispatcher, pending, audited } = setup(1_000, draw);
      work.answers.set(principal(1).toText(), ok(answerBody(1n, [4])));
      pending.insert(1n, request());
      await dispatcher.run(1n);
      expect(audited).toHaveLength(audits);
    }
  });

  it('fails the job with every node’s reason when too few answer', async () => {
    const { work, dispatcher, pending, outputs, reports } = setup();
    work.answers.set(principal(1).toText(), ok(answerBody(2n, [4])));
    pending.insert(1n, request());
    await dispatcher.run(1n);
    expect(outputs.map.size).toBe(0);
    expect(failed(reports[0][1])).toMatch(/^0 of 1 nodes answered; .*answer is for job 2; .*connection refused; .*connection refused$/);
  });

  it('pays only the nodes verification found agreeing, and fails a job with no majority', async () => {
    const { work, dispatcher, pending, reports } = setup();
    for (const n of [1, 2]) work.answers.set(principal(n).toText(), ok(answerBody(1n, [n])));
    work.setVerdict({
      job_id: 1n,
      output_sha256: [new Uint8Array(32)],
      agreeing: [principal(2)],
      dissenting: [principal(1)],
      penalties: [],
      at: 0n,
    });
    pending.insert(1n, request({ redundancy: 2 }));
    await dispatcher.run(1n);
    expect(work.verified[0].answers.map((a) => a.node.toText())).toEqual([principal(1).toText(), principal(2).toText()]);
    expect(reports[0][1]).toMatchObject({ completed: { paid_nodes: [principal(2)] } });

    work.setVerdict({ job_id: 2n, output_sha256: [], agreeing: [], dissenting: [], penalties: [], at: 0n });
    pending.insert(2n, request({ job_id: 2n, redundancy: 2 }));
    for (const n of [1, 2]) work.answers.set(principal(n).toText(), ok(answerBody(2n, [n])));
    await dispatcher.run(2n);
    expect(failed(reports[1][1])).toMatch(/no majority/);
  });
});

describe('long jobs', () => {
  const long = request({ max_tokens: LONG_JOB_TOKENS });
  const accepted = ok(new TextEncoder().encode(JSON.stringify({ job_id: '1', status: 'accepted' })));

  it('gives the job to the first node that acknowledges it, and takes its result from that node only, once', async () => {
    const { work, dispatcher, pending, awaiting, reports } = setup();
    work.answers.set(principal(1).toText(), accepted);
    pending.insert(1n, long);
    await dispatcher.run(1n);
    expect(work.posts).toEqual([{ node: principal(1).toText(), body: jobBody(long) }]);
    expect(awaiting.get(1n)?.node.toText()).toBe(principal(1).toText());
    expect(reports).toEqual([]);

    const result = answerBody(1n, [7, 8]);
    expect(await dispatcher.submitResult(principal(2), 1n, result)).toEqual({
      Err: { Unauthorized: 'only the worker the job was given to may call this' },
    });
    const tampered = JSON.parse(new TextDecoder().decode(result));
    tampered.tokens[0] += 1;
    const refused = await dispatcher.submitResult(principal(1), 1n, new TextEncoder().encode(JSON.stringify(tampered)));
    expect(refused).toEqual({ Err: { InvalidInput: 'the output does not hash to the sha256 the worker claims' } });
    const posted = await dispatcher.submitResult(principal(1), 1n, result);
    expect('Ok' in posted && posted.Ok.tokens).toEqual([7, 8]);
    expect(reports).toHaveLength(1);
    expect(await dispatcher.submitResult(principal(1), 1n, result)).toEqual({ Err: { NotFound: null } });
  });
});

describe('long jobs settle like short ones', () => {
  it('keeps a posted result open to dispute and audits it at the audit rate, after the post is answered', async () => {
    const { work, dispatcher, pending, settled, deferred } = setup(10_000);
    work.answers.set(principal(1).toText(), ok(new TextEncoder().encode(JSON.stringify({ job_id: '1', status: 'accepted' }))));
    pending.insert(1n, request({ max_tokens: LONG_JOB_TOKENS }));
    await dispatcher.run(1n);
    expect('Ok' in (await dispatcher.submitResult(principal(1), 1n, answerBody(1n, [7])))).toBe(true);
    expect(settled.containsKey(1n)).toBe(true);
    expect(deferred).toHaveLength(1);
  });

  it('refuses a posted result of more than max_tokens, or with tokens that are not numbers, and keeps waiting for a good one', async () => {
    const { work, dispatcher, pending, awaiting } = setup();
    work.answers.set(principal(1).toText(), ok(new TextEncoder().encode(JSON.stringify({ job_id: '1', status: 'accepted' }))));
    pending.insert(1n, request({ max_tokens: LONG_JOB_TOKENS }));
    await dispatcher.run(1n);
    const notNumbers = new TextEncoder().encode(
      new TextDecoder().decode(answerBody(1n, [1, 2])).replace('"tokens":[1,2]', '"tokens":["1","2"]'),
    );
    for (const body of [answerBody(1n, Array(LONG_JOB_TOKENS + 1).fill(1)), notNumbers])
      expect(await dispatcher.submitResult(principal(1), 1n, body)).toMatchObject({
        Err: { InvalidInput: expect.any(String) },
      });
    expect(awaiting.containsKey(1n)).toBe(true);
    // A generation of no token (the model ended at once) is an answer like any other.
    expect(await dispatcher.submitResult(principal(1), 1n, answerBody(1n, [], ''))).toHaveProperty('Ok');
  });
});

describe('an even split', () => {
  // Node 1 lies ([1]), node 2 answers honestly ([2]), spare 3 colludes with the liar; the outsiders answer honestly.
  function split(verdict: { agreeing: number[]; dissenting: number[] } | undefined) {
    const t = setup();
    t.work.answers.set(principal(1).toText(), ok(answerBody(1n, [1])));
    t.work.answers.set(principal(3).toText(), ok(answerBody(1n, [1])));
    for (const n of [2, 4, 5]) t.work.answers.set(principal(n).toText(), ok(answerBody(1n, [2])));
    t.work.setVerdict({
      job_id: 1n,
      output_sha256: verdict === undefined ? [] : [new Uint8Array(32)],
      agreeing: (verdict?.agreeing ?? []).map(principal),
      dissenting: (verdict?.dissenting ?? []).map(principal),
      penalties: [],
      at: 0n,
    });
    t.pending.insert(1n, request({ redundancy: 2 }));
    return t;
  }
  const texts = (nodes: number[]) => nodes.map((n) => principal(n).toText());

  it('is settled by a third run on an auditor from outside the job, never the spare: the runner it agrees with paid, the auditor rewarded', async () => {
    const { work, dispatcher, reports, rewarded, outputs, settled } = split({ agreeing: [2, 4], dissenting: [1] });
    await dispatcher.run(1n);
    expect(work.posts.map((p) => p.node)).toEqual(texts([1, 2, 4]));
    // Verification judges all three, so it penalizes the liar as an audit's dissenter.
    expect(work.verified.map((v) => v.answers.map((a) => a.node.toText()))).toEqual([texts([1, 2, 4])]);
    expect(reports).toEqual([[1n, { completed: { output_sha256: outputs.get(1n)!.output_sha256, paid_nodes: [principal(2)] } }]]);
    expect(outputs.get(1n)?.node.toText()).toBe(principal(2).toText());
    expect(rewarded).toEqual([[principal(14).toText()]]);
    // An outside auditor decided it: nothing is kept for a dispute.
    expect(settled.containsKey(1n)).toBe(false);
  });

  it('sides with the job node the auditor agrees with, whichever answered first: that one paid, the other left to verification', async () => {
    const { work, dispatcher, reports, rewarded, outputs } = split({ agreeing: [1, 4], dissenting: [2] });
    work.answers.set(principal(4).toText(), ok(answerBody(1n, [1])));
    await dispatcher.run(1n);
    expect(reports[0][1]).toMatchObject({ completed: { paid_nodes: [principal(1)] } });
    expect(outputs.get(1n)?.tokens).toEqual([1]);
    expect(rewarded).toEqual([[principal(14).toText()]]);
  });

  it('asks the next auditor when one does not answer, and rewards none that disagreed with the majority', async () => {
    const { work, dispatcher, reports, rewarded } = split({ agreeing: [1, 5], dissenting: [2] });
    work.answers.delete(principal(4).toText());
    work.answers.set(principal(5).toText(), ok(answerBody(1n, [1])));
    await dispatcher.run(1n);
    expect(work.posts.map((p) => p.node)).toEqual(texts([1, 2, 4, 5]));
    expect(reports[0][1]).toMatchObject({ completed: { paid_nodes: [principal(1)] } });
    expect(rewarded).toEqual([[principal(15).toText()]]);

    const threeWays = split(undefined);
    threeWays.work.answers.set(principal(4).toText(), ok(answerBody(1n, [3])));
    await threeWays.dispatcher.run(1n);
    expect(failed(threeWays.reports[0][1])).toMatch(/^no majority among the answers/);
    expect(threeWays.rewarded).toEqual([]);
  });

  it('fails the job, refunded, when no auditor outside the job answers (none named, the marketplace unreachable, or all down)', async () => {
    for (const [candidates, why] of [
      [[principal(1), principal(3)], /no auditor outside the job/],
      ['marketplace stopped', /auditor candidates: marketplace stopped/],
      [[principal(4)], /auditor .*: connection refused/],
    ] as const) {
      const t = split(undefined);
      t.market.candidates = candidates as Principal[] | string;
      t.work.answers.delete(principal(4).toText());
      await t.dispatcher.run(1n);
      // The spare is never asked, even when no auditor can be.
      expect(t.work.posts.map((p) => p.node)).not.toContain(principal(3).toText());
      expect(t.work.verified[0].answers).toHaveLength(2);
      expect(failed(t.reports[0][1])).toMatch(why);
      expect(t.rewarded).toEqual([]);
    }
  });

  it('asks nobody more when the two agree, nor when a redundancy-3 job has only two answers', async () => {
    const agreed = setup();
    for (const n of [1, 2, 3]) agreed.work.answers.set(principal(n).toText(), ok(answerBody(1n, [2])));
    agreed.work.setVerdict({
      job_id: 1n,
      output_sha256: [new Uint8Array(32)],
      agreeing: [principal(1), principal(2)],
      dissenting: [],
      penalties: [],
      at: 0n,
    });
    agreed.pending.insert(1n, request({ redundancy: 2 }));
    await agreed.dispatcher.run(1n);
    expect(agreed.work.posts).toHaveLength(2);
    expect(agreed.rewarded).toEqual([]);
    // Replicas that agreed may have colluded: the job stays open to dispute, with both replicas' endpoints to judge.
    expect(agreed.settled.containsKey(1n)).toBe(true);
    expect(agreed.replicas.get(1n)?.map((e) => e.node.toText())).toEqual(texts([1, 2]));

    const short = setup();
    for (const n of [1, 2]) short.work.answers.set(principal(n).toText(), ok(answerBody(1n, [n])));
    short.pending.insert(1n, request({ redundancy: 3 }));
    await short.dispatcher.run(1n);
    expect(short.work.posts.map((p) => p.node)).toEqual(texts([1, 2, 3]));
    expect(failed(short.reports[0][1])).toMatch(/^2 of 3 nodes answered/);
  });
});
