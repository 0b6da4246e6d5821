// Redundant execution with a lying worker: the economy canisters, the bridge and verification on the local network,
// three workers running the tiny llama, one of which alters its tokens (and hashes them consistently, so only a
// comparison can catch it). With redundancy 3 the majority's output is delivered, the liar is slashed and loses
// reputation, and only the honest providers are paid; with redundancy 2 and one liar, a third run on an auditor
// drawn from outside the job breaks the tie the same way. A consumer who disputes a single-replica result puts down a deposit, and an audit decides:
// upheld (the liar slashed, the right output delivered, the deposit returned) or rejected (the deposit forfeited).
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Job } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import { serveAuditors, serveThreeWorkers, type Worker } from './three_workers';
import {
  FEE,
  NAMES,
  PROMPT,
  STAKE,
  account,
  approve,
  balance,
  deployEconomy,
  expectMoneyInvariant,
  jobRequest,
  mint,
  ok,
  publishModel,
  rankByPrice,
  type Economy,
} from './suite';

describe('redundant jobs checked by verification', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  const gguf = tinyLlamaGguf(42);
  const sha = createHash('sha256').update(gguf).digest();
  let generator: TextGenerator;
  let model: bigint;
  const creator = randomUser();
  const workers: Worker[] = [];
  const auditors: Worker[] = [];
  const jobIds: bigint[] = [];

  // The liar lies while this is on.
  let lie = true;
  // The liar is slashed 10% four times here and must still be matched after (the rejected dispute): with the bare
  // minimum (STAKE) the first slash would put it below identity's min_stake. 2 × 0.9⁴ ≈ 1.31 minimums stay above.
  const WORKER_STAKE = 2n * STAKE;

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer, [...NAMES, 'bridge', 'verification']);
    // The liar stays the cheapest, so it runs every job, after its slashes lowered its reputation too.
    await rankByPrice(e);
    model = (await publishModel(e, creator, 'tiny-llama', 500, { public: null }, sha)).id;
    workers.push(...(await serveThreeWorkers(e, model, sha, generator, () => lie, WORKER_STAKE)));
    auditors.push(...(await serveAuditors(e, model, sha, generator)));
  });
  afterAll(async () => {
    for (const w of [...workers, ...auditors]) w.server.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(redundancy: number): Promise<{ job: Job; done: Job; consumer: Principal }> {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const request = jobRequest(model, { redundancy, max_tokens: 32 });
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(request));
    jobIds.push(job.id);
    for (let i = 0; i < 50; i++) {
      await network.tick();
      const done = ok(await e.marketplace.get_job(job.id));
      if ('settled' in done.state || 'refunded' in done.state) return { job, done, consumer };
    }
    throw new Error(`job ${job.id} did not finish`);
  }

  it('delivers the majority’s tokens, slashes and demotes the liar, and pays only the honest providers', async () => {
    const liar = workers.find((w) => w.liar)!;
    const honest = workers.filter((w) => !w.liar);
    const owedBefore = await Promise.all(workers.map((w) => e.payment.owed_of(account(w.provider))));
    const reputationBefore = (await e.identity.get_reputation(liar.provider)).bps;

    const { job, done, consumer } = await run(3);
    expect(done.state).toEqual({ settled: null });
    e.bridge!.setPrincipal(consumer);
    const output = ok(await e.bridge!.get_output(job.id));
    expect(Array.from(output.tokens)).toEqual((await generator.generate(PROMPT, 32)).tokens);

    const [verdict] = await e.verification!.verdict_of(job.id);
    expect(verdict?.dissenting.map((p) => p.toText())).toEqual([liar.node.toText()]);
    expect(verdict?.agreeing.map((p) => p.toText()).sort()).toEqual(honest.map((w) => w.node.toText()).sort());
    expect(verdict?.penalties).toEqual([
      { provider: liar.provider, node: liar.node, slashed: WORKER_STAKE / 10n, outcome: 'slashed; reputation lowered' },
    ]);
    expect((await e.identity.get_stake(liar.provider)).bonded).toBe(WORKER_STAKE - WORKER_STAKE / 10n);
    expect((await e.identity.get_reputation(liar.provider)).bps).toBe(reputationBefore - 1_000);

    // The escrow holds three quotes; after the sweep fee, 80% is shared by the two that agreed.
    const each = ((job.price - FEE) * 8_000n) / 10_000n / 2n;
    const owedAfter = await Promise.all(workers.map((w) => e.payment.owed_of(account(w.provider))));
    workers.forEach((w, i) => expect(owedAfter[i] - owedBefore[i], w.liar ? 'liar' : 'honest').toBe(w.liar ? 0n : each));
  });

  it('settles a job whose two answers disagree by a third run on an auditor outside it: the liar slashed, the honest runner paid, the auditor rewarded', async () => {
    const liar = workers.find((w) => w.liar)!;
    const everyone = [...workers, ...auditors];
    const owedBefore = await Promise.all(everyone.map((w) => e.payment.owed_of(account(w.provider))));
    const bonded = (await e.identity.get_stake(liar.provider)).bonded;
    const { job, done, consumer } = await run(2);
    expect(done.state).toEqual({ settled: null });
    e.bridge!.setPrincipal(consumer);
    expect(Array.from(ok(await e.bridge!.get_output(job.id)).tokens)).toEqual((await generator.generate(PROMPT, 32)).tokens);
    const [verdict] = await e.verification!.verdict_of(job.id);
    expect(verdict?.dissenting.map((p) => p.toText())).toEqual([liar.node.toText()]);
    expect(verdict?.agreeing.map((p) => p.toText())).toEqual([workers[1].node.toText(), auditors[1].node.toText()]);
    expect((await e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    // The liar and the honest worker run the job; the next worker and the first auditor are its spares, never asked;
    // the dearest auditor, outside the job, breaks the tie. The escrow holds two quotes: after the sweep fee, the
    // honest runner alone gets the providers' 80%, and the auditor half the treasury's 15% as an audit's reward.
    const distributable = job.price - FEE;
    const owedAfter = await Promise.all(everyone.map((w) => e.payment.owed_of(account(w.provider))));
    expect(owedAfter.map((after, i) => after - owedBefore[i])).toEqual([
      0n,
      (distributable * 8_000n) / 10_000n,
      0n,
      0n,
      (distributable * 1_500n) / 10_000n / 2n,
    ]);
  });

  it('audits a settled single-replica job on two nodes outside it and slashes the liar who ran it', async () => {
    const liar = workers.find((w) => w.liar)!;
    e.bridge!.setPrincipal(randomUser());
    expect('Err' in (await e.bridge!.set_audit_rate(10_000))).toBe(true);
    e.bridge!.setPrincipal(deployer);
    ok(await e.bridge!.set_audit_rate(10_000));
    const bonded = (await e.identity.get_stake(liar.provider)).bonded;

    // The liar is the cheapest, so it alone runs the job and the consumer gets its (wrong) output.
    const { job, done, consumer } = await run(1);
    expect(done.state).toEqual({ settled: null });
    e.bridge!.setPrincipal(consumer);
    expect(ok(await e.bridge!.get_output(job.id)).node.toText()).toBe(liar.node.toText());
    for (let i = 0; i < 20 && (await e.bridge!.audit_of(job.id)).length === 0; i++) await network.tick();

    const [audit] = await e.bridge!.audit_of(job.id);
    expect(audit?.auditors.map((n) => n.toText()).sort()).toEqual(auditors.map((w) => w.node.toText()).sort());
    expect(audit?.outcome).toBe(`disagreed: ${liar.node.toText()}`);
    expect((await e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    e.bridge!.setPrincipal(deployer);
    ok(await e.bridge!.set_audit_rate(0));
  });

  describe('disputes', () => {
    const DEPOSIT = 1_000_000n;

    // Payment holds exactly the open escrows and deposits plus what it owes the providers, creator and treasury.
    async function expectBalanced(): Promise<void> {
      const treasury = (await e.payment.get_config()).config.treasury;
      await expectMoneyInvariant(e, jobIds, [treasury, account(creator), ...[...workers, ...auditors].map((w) => account(w.provider))]);
    }

    async function dispute(consumer: Principal, jobId: bigint) {
      await approve(e, consumer, e.ids.payment, DEPOSIT + FEE);
      e.bridge!.setPrincipal(consumer);
      return e.bridge!.dispute(jobId);
    }

    it('upholds a dispute of a wrong result: the runner is slashed, the right output delivered, the deposit returned', async () => {
      const liar = workers.find((w) => w.liar)!;
      const bonded = (await e.identity.get_stake(liar.provider)).bonded;
      const { job, consumer } = await run(1);
      const before = await balance(e, consumer);

      const decided = ok(await dispute(consumer, job.id));
      expect(decided.state).toEqual({ upheld: null });
      expect(decided.deposit).toBe(DEPOSIT);
      expect(decided.deposit_resolved).toBe(true);
      expect(decided.outcome).toBe(`disagreed: ${liar.node.toText()}`);
      expect((await e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
      // The output is now the honest majority's, which is what the model gives.
      e.bridge!.setPrincipal(consumer);
      const output = ok(await e.bridge!.get_output(job.id));
      expect(Array.from(output.tokens)).toEqual((await generator.generate(PROMPT, 32)).tokens);
      expect(output.node.toText()).not.toBe(liar.node.toText());
      // The deposit came back less one fee; the approve and the pull cost one fee each.
      expect((await e.payment.deposit_of(job.id))[0]?.state).toEqual({ refunded: null });
      expect(await balance(e, consumer)).toBe(before - 3n * FEE);
      await expectBalanced();
    });

    it('rejects a dispute of a right result and forfeits the deposit to the treasury', async () => {
      lie = false;
      try {
        const { job, consumer } = await run(1);
        const { treasury, split } = (await e.payment.get_config()).config;
        const owedBefore = await e.payment.owed_of(treasury);
        const auditorsOwedBefore = await Promise.all(auditors.map((w) => e.payment.owed_of(account(w.provider))));
        const before = await balance(e, consumer);

        const decided = ok(await dispute(consumer, job.id));
        expect(decided.state).toEqual({ rejected: null });
        expect(decided.outcome).toBe('all agreed');
        expect(decided.auditors.map((n) => n.toText()).sort()).toEqual(auditors.map((w) => w.node.toText()).sort());
        expect((await e.payment.deposit_of(job.id))[0]?.state).toEqual({ settled: null });
        // The treasury gains the deposit less a fee, and pays each auditor (both agreed) half its share of the job.
        const reward = ((job.price - FEE) * BigInt(split.treasury_bps)) / 10_000n / 2n;
        expect(reward).toBeGreaterThan(0n);
        expect(await e.payment.owed_of(treasury)).toBe(owedBefore + DEPOSIT - FEE - 2n * reward);
        const auditorsOwedAfter = await Promise.all(auditors.map((w) => e.payment.owed_of(account(w.provider))));
        auditors.forEach((_, i) => expect(auditorsOwedAfter[i] - auditorsOwedBefore[i]).toBe(reward));
        expect(await balance(e, consumer)).toBe(before - DEPOSIT - 2n * FEE);
        expect((await e.bridge!.dispute_of(job.id))[0]?.state).toEqual({ rejected: null });
        await expectBalanced();
      } finally {
        lie = true;
      }
    });

    it('refuses strangers, second disputes, jobs an auditor decided and consumers who did not approve the deposit', async () => {
      const { job, consumer } = await run(1);
      e.bridge!.setPrincipal(randomUser());
      expect(await e.bridge!.dispute(job.id)).toEqual({ Err: { Unauthorized: 'only the job’s consumer may dispute it' } });

      // No allowance: the deposit cannot be taken, nothing is recorded, and the consumer may try again.
      e.bridge!.setPrincipal(consumer);
      const unpaid = await e.bridge!.dispute(job.id);
      expect('Err' in unpaid && 'CallFailed' in unpaid.Err).toBe(true);
      expect(await e.bridge!.dispute_of(job.id)).toEqual([]);
      expect(await e.payment.deposit_of(job.id)).toEqual([]);

      ok(await dispute(consumer, job.id));
      const again = await dispute(consumer, job.id);
      expect('Err' in again && 'NotDisputable' in again.Err).toBe(true);

      // A split an outside auditor broke was judged from outside already (replicas that agreed may be disputed).
      const split = await run(2);
      const compared = await dispute(split.consumer, split.job.id);
      expect(compared).toEqual({
        Err: {
          NotDisputable:
            'the job is not open to dispute: an outside auditor decided its result, or it settled before redundant jobs could be disputed',
        },
      });
      e.bridge!.setPrincipal(randomUser());
      expect('Err' in (await e.bridge!.set_dispute_deposit(1n))).toBe(true);
    });
  });

  it('takes answers only from the bridge', async () => {
    e.verification!.setPrincipal(randomUser());
    const refused = await e.verification!.verify({ job_id: 1n, embedding: false, answers: [] });
    expect('Err' in refused && 'Unauthorized' in refused.Err).toBe(true);
  });
});
