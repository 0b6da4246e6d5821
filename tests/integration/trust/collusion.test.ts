// Two colluding replicas: the two cheapest providers tell the same lie, so a job of two replicas matched to both
// settles on it without a split. Its consumer disputes it; three nodes from outside the job re-run it, outvote
// both replicas in verification, and both are slashed, the honest output delivered and the deposit returned. At
// redundancy 3 the two colluders outvote (and have slashed) the honest third, and the dispute overturns that verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FEE, PROMPT, STAKE, account, balance, ok, rankByPrice } from '../economy/suite';
import { altered, deployTrust, dispute, finished, honest, serveNode, submit, type Trust, type Worker } from './bridge_fixture';

describe('a dispute of a redundant job whose replicas colluded', () => {
  let t: Trust;
  const liars: Worker[] = [];
  const honestWorkers: Worker[] = [];

  beforeAll(async () => {
    t = await deployTrust();
    await rankByPrice(t.e);
    // Both change the first token and hash their output consistently: their answers agree with each other.
    const lie = altered(t, (answer) => void ((answer.tokens as number[])[0] += 1));
    for (const price of [800_000n, 900_000n]) liars.push(await serveNode(t, lie, price, 2n * STAKE));
    // Two spares of the job, then three outside it: the auditors (and a sixth for the redundancy-3 job below).
    for (const price of [1_000_000n, 1_100_000n, 1_200_000n, 1_300_000n, 1_400_000n, 1_500_000n])
      honestWorkers.push(await serveNode(t, honest(t), price));
  });
  afterAll(() => t?.close());

  it('judges both replicas against three auditors: both slashed, the honest output delivered, the deposit returned', async () => {
    const { job, consumer } = await submit(t, { redundancy: 2 });
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    t.e.bridge!.setPrincipal(consumer);
    const delivered = ok(await t.e.bridge!.get_output(job.id));
    const truth = await t.generator.generate(PROMPT, 32);
    expect(Array.from(delivered.tokens)).not.toEqual(truth.tokens);
    const stakes = await Promise.all(liars.map((w) => t.e.identity.get_stake(w.provider)));

    const before = await balance(t.e, consumer);
    const owedBefore = await Promise.all(honestWorkers.map((w) => t.e.payment.owed_of(account(w.provider))));
    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided.state).toEqual({ upheld: null });
    expect(decided.deposit_resolved).toBe(true);
    expect(decided.outcome).toMatch(/^disagreed: /);
    expect(decided.auditors).toHaveLength(3);
    const [verdict] = await t.e.verification!.verdict_of(job.id);
    expect(verdict?.dissenting.map((p) => p.toText()).sort()).toEqual(liars.map((w) => w.node.toText()).sort());
    for (const [i, w] of liars.entries()) {
      expect((await t.e.identity.slashes_of(w.provider)).some((s) => s.reason.startsWith(`job ${job.id}:`))).toBe(true);
      expect((await t.e.identity.get_stake(w.provider)).bonded).toBe(stakes[i].bonded - stakes[i].bonded / 10n);
    }
    expect(Array.from(ok(await t.e.bridge!.get_output(job.id)).tokens)).toEqual(truth.tokens);
    // Each of the three auditors is paid a third of the treasury's share of the job; the spares nothing.
    const owedAfter = await Promise.all(honestWorkers.map((w) => t.e.payment.owed_of(account(w.provider))));
    const paid = honestWorkers.map((w, i) => ({
      audited: decided.auditors.some((a) => a.toText() === w.node.toText()),
      gain: owedAfter[i] - owedBefore[i],
    }));
    const rewards = paid.filter((p) => p.audited).map((p) => p.gain);
    expect(rewards).toHaveLength(3);
    expect(rewards[0]).toBeGreaterThan(0n);
    expect(new Set(rewards).size).toBe(1);
    expect(paid.filter((p) => !p.audited).map((p) => p.gain)).toEqual([0n, 0n, 0n]);
    // The deposit came back less one fee; the approve and the pull cost one fee each.
    expect((await t.e.payment.deposit_of(job.id))[0]?.state).toEqual({ refunded: null });
    expect(await balance(t.e, consumer)).toBe(before - 3n * FEE);
    // Judged once: a second dispute is refused.
    const again = await dispute(t, consumer, job.id);
    expect('Err' in again && 'NotDisputable' in again.Err).toBe(true);
  });

  it('overturns a redundancy-3 verdict the two colluders won, keeping the honest third’s penalty on record', async () => {
    const { job, consumer } = await submit(t, { redundancy: 3 });
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    const [first] = await t.e.verification!.verdict_of(job.id);
    // The honest runner (the cheapest honest worker) was outvoted and slashed at dispatch.
    const outvoted = honestWorkers[0];
    expect(first?.dissenting.map((p) => p.toText())).toEqual([outvoted.node.toText()]);

    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided.state).toEqual({ upheld: null });
    expect(decided.auditors).toHaveLength(3);
    const [second] = await t.e.verification!.verdict_of(job.id);
    expect(second?.dissenting.map((p) => p.toText()).sort()).toEqual(liars.map((w) => w.node.toText()).sort());
    expect(second?.penalties.map((p) => p.node.toText()).sort()).toEqual([outvoted, ...liars].map((w) => w.node.toText()).sort());
    t.e.bridge!.setPrincipal(consumer);
    expect(Array.from(ok(await t.e.bridge!.get_output(job.id)).tokens)).toEqual((await t.generator.generate(PROMPT, 32)).tokens);
    for (const w of [outvoted, ...liars])
      expect((await t.e.bridge!.disputes_against(w.provider)).some((d) => d.job_id === job.id)).toBe(w !== outvoted);
  });
});
