// One awaited call for a short job, as a dapp canister makes it: run_job on the real marketplace and bridge, with a
// real worker running the tiny llama. The consumer gets the output in the reply and the job is settled by then, with
// exact balances; a job whose only worker fails comes back JobFailed, already refunded; the bridge's run takes jobs
// from the marketplace only; a long job is refused before any money moves.
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import type { DispatchRequest } from '../../../canisters/bridge/types';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import { randomUser } from '../localnet/probe';
import { FEE, PROMPT, account, approve, balance, errName, jobRequest, mint, ok } from '../economy/deploy';
import { expectMoneyInvariant } from '../economy/suite';
import { deployTrust, honest, serveNode, type Handler, type Trust, type Worker } from './bridge_fixture';

const MAX_TOKENS = 32;

describe('run_job: a short job in one awaited call', () => {
  let t: Trust;
  let worker: Worker;
  // The only worker answers honestly until a test makes it fail.
  let failing = false;
  const escrowIds: bigint[] = [];

  beforeAll(async () => {
    t = await deployTrust();
    const real = honest(t);
    const switchable: Handler = async (body, bridge) =>
      failing ? { status: 500, body: JSON.stringify({ error: 'the GPU fell over' }) } : real(body, bridge);
    worker = await serveNode(t, switchable);
  });
  afterAll(() => t?.close());

  /** A consumer with tokens who approved payment for the quote of `request` plus the escrow's fee. */
  async function payingConsumer(request: JobRequest): Promise<{ consumer: Principal; before: bigint; price: bigint }> {
    const consumer = randomUser();
    await mint(t.e, consumer, 50_000_000n);
    const before = await balance(t.e, consumer);
    t.e.marketplace.setPrincipal(consumer);
    const quote = ok(await t.e.marketplace.quote(request));
    await approve(t.e, consumer, t.e.ids.payment, quote.total + FEE);
    return { consumer, before, price: quote.total };
  }

  // Those payment owes after a settlement: the provider, the model's creator (its royalty) and the treasury.
  let creator: Principal | undefined;
  const owedAccounts = async () => [
    account(worker.provider),
    ...(creator === undefined ? [] : [account(creator)]),
    (await t.e.payment.get_config()).config.treasury,
  ];

  it('replies with the output of a settled job, the consumer charged the price and two fees', async () => {
    const request = jobRequest(t.model, { max_tokens: MAX_TOKENS });
    const { consumer, before, price } = await payingConsumer(request);
    const owedBefore = await t.e.payment.owed_of(account(worker.provider));

    t.e.marketplace.setPrincipal(consumer);
    const { job, output } = ok(await t.e.marketplace.run_job(request));
    escrowIds.push(job.id);
    creator = job.creator;

    expect(job).toMatchObject({ state: { settled: null }, price });
    const direct = await t.generator.generate(PROMPT, MAX_TOKENS);
    expect(output.text).toEqual([direct.text]);
    expect(Array.from(output.tokens)).toEqual(direct.tokens);
    expect(output.node.toText()).toBe(worker.node.toText());
    expect(job.result_hash).toEqual([output.output_sha256]);
    // The same output the bridge keeps for the consumer, and the job as get_job reads it.
    t.e.bridge!.setPrincipal(consumer);
    expect(ok(await t.e.bridge!.get_output(job.id))).toEqual(output);
    expect(ok(await t.e.marketplace.get_job(job.id)).state).toEqual({ settled: null });

    // The approve and the escrow each cost a fee; the provider is owed 80% of the price less the settlement's fee.
    expect(before - (await balance(t.e, consumer))).toBe(price + 2n * FEE);
    expect((await t.e.payment.owed_of(account(worker.provider))) - owedBefore).toBe(((price - FEE) * 8_000n) / 10_000n);
    await expectMoneyInvariant(t.e, escrowIds, await owedAccounts());
  });

  it('answers JobFailed with the worker’s reason when the only worker fails, the escrow already refunded', async () => {
    const request = jobRequest(t.model, { max_tokens: MAX_TOKENS });
    const { consumer, before, price } = await payingConsumer(request);
    failing = true;
    t.e.marketplace.setPrincipal(consumer);
    const reply = await t.e.marketplace.run_job(request).finally(() => (failing = false));

    expect(errName(reply)).toBe('JobFailed');
    const { job_id, reason } = (reply as { Err: { JobFailed: { job_id: bigint; reason: string } } }).Err.JobFailed;
    escrowIds.push(job_id);
    expect(reason).toMatch(/0 of 1 nodes answered/);
    expect(reason).toContain('the worker answered 500');
    expect(ok(await t.e.marketplace.get_job(job_id))).toMatchObject({ state: { refunded: null }, price });
    // Refunded before the reply: the price is back, less the refund's fee; the approve and the escrow kept theirs.
    expect(before - (await balance(t.e, consumer))).toBe(3n * FEE);
    await expectMoneyInvariant(t.e, escrowIds, await owedAccounts());
  });

  it('refuses a long job before anything is escrowed, naming submit_job', async () => {
    const request = jobRequest(t.model, { max_tokens: LONG_JOB_TOKENS + 16 });
    const { consumer } = await payingConsumer(request);
    const held = await balance(t.e, consumer);
    t.e.marketplace.setPrincipal(consumer);
    const posted = worker.posts.length;

    const reply = await t.e.marketplace.run_job(request);
    expect(errName(reply)).toBe('InvalidInput');
    expect((reply as { Err: { InvalidInput: string } }).Err.InvalidInput).toMatch(/long.*submit_job/);
    expect(await balance(t.e, consumer)).toBe(held);
    // No job was recorded for the consumer, and no worker was asked.
    expect(ok(await t.e.marketplace.list_jobs({ offset: 0n, limit: 1 })).total).toBe(0n);
    expect(worker.posts).toHaveLength(posted);
  });

  it('takes run from the marketplace only: the bridge refuses it by ingress, whoever signs', async () => {
    const request: DispatchRequest = {
      job_id: 999n,
      consumer: randomUser(),
      kind: { text_generation: null },
      model_sha256: t.sha,
      input: PROMPT,
      max_tokens: 1,
      redundancy: 1,
      nodes: [worker.node],
      generation: [],
    };
    for (const caller of [randomUser(), worker.node]) {
      t.e.bridge!.setPrincipal(caller);
      await expect(t.e.bridge!.run(request)).rejects.toThrow(/rejected the message/);
    }
    expect(worker.posts.filter((p) => p.jobId === 999n)).toEqual([]);
  });
});
