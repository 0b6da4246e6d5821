// The example consumer canister (examples/consumer) as a dapp uses the market: its owner asks, and the canister
// quotes, approves payment from its own ledger account and calls run_job once, on the real economy and bridge with
// a real worker running the tiny llama. The answer comes back and is kept, the job is settled, and the canister
// paid exactly the price and two fees. A second ask while one runs is Busy, answers survive an upgrade and only the
// newest 20 are kept; a stranger cannot spend its tokens, and an unfunded canister is told why. A long job
// (ask_long) is submitted with notify_on_end, and the marketplace calls the canister's on_job_end exactly once when
// it settles; users, the job's own consumer or a stranger, cannot ask for notices by ingress.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JobOutcome } from '../../../canisters/marketplace/job_notices';
import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { FEE, PROMPT, account, balance, errName, mint, ok } from '../economy/deploy';
import { expectMoneyInvariant } from '../economy/suite';
import { randomUser } from '../localnet/probe';
import { deployTrust, finished, honest, serveNode, submit, type Trust, type Worker } from '../trust/bridge_fixture';
import { CONSUMER_WASM, installConsumer as install, noticed } from './consumer_fixture';

const MAX_TOKENS = 32;

describe('the example consumer canister', () => {
  let t: Trust;
  let worker: Worker;
  const owner = randomUser();
  const escrowIds: bigint[] = [];

  beforeAll(async () => {
    t = await deployTrust();
    worker = await serveNode(t, honest(t));
  });
  afterAll(() => t?.close());

  const installConsumer = () => install(t, owner);

  it('asks as its owner: one run_job, the answer kept, the job settled, the price and two fees paid', async () => {
    const { id, consumer } = await installConsumer();
    await mint(t.e, id, 50_000_000n);
    const before = await balance(t.e, id);

    consumer.setPrincipal(owner);
    const { job_id, text } = ok(await consumer.ask(PROMPT, t.model, MAX_TOKENS));
    escrowIds.push(job_id);

    expect(text).toBe((await t.generator.generate(PROMPT, MAX_TOKENS)).text);
    t.e.marketplace.setPrincipal(t.e.deployer);
    const job = ok(await t.e.marketplace.get_job(job_id));
    expect(job).toMatchObject({ state: { settled: null }, consumer: id });
    // The approve and the escrow's transfer_from each cost a fee; the job's price went into escrow and was settled.
    expect(before - (await balance(t.e, id))).toBe(job.price + 2n * FEE);
    expect(job.price).toBe(1_000_000n);
    expect(await consumer.answers()).toEqual([{ job_id, prompt: PROMPT, text }]);
    await expectMoneyInvariant(t.e, escrowIds, [
      account(worker.provider),
      account(job.creator),
      (await t.e.payment.get_config()).config.treasury,
    ]);
  });

  it('runs one ask at a time, the second told Busy and charged nothing, and keeps its answers through an upgrade', async () => {
    const { id, consumer } = await installConsumer();
    await mint(t.e, id, 50_000_000n);
    consumer.setPrincipal(owner);

    const [first, second] = await Promise.all([consumer.ask(PROMPT, t.model, MAX_TOKENS), consumer.ask(PROMPT, t.model, MAX_TOKENS)]);
    expect(errName(second)).toBe('Busy');
    const { job_id, text } = ok(first);
    escrowIds.push(job_id);
    t.e.marketplace.setPrincipal(t.e.deployer);
    const { price } = ok(await t.e.marketplace.get_job(job_id));
    expect(50_000_000n - (await balance(t.e, id))).toBe(price + 2n * FEE);

    // No argument: the settings and answers come back from stable memory.
    await t.network.upgradeCanister({ canisterId: id, wasm: CONSUMER_WASM, sender: owner });
    expect(await consumer.answers()).toEqual([{ job_id, prompt: PROMPT, text }]);
    // The settings survived too: it still asks, and keeps both answers in job order.
    const next = ok(await consumer.ask(PROMPT, t.model, MAX_TOKENS));
    escrowIds.push(next.job_id);
    expect((await consumer.answers()).map((a) => a.job_id)).toEqual([job_id, next.job_id]);
  });

  it('keeps the newest 20 answers, dropping the oldest', async () => {
    const { id, consumer } = await installConsumer();
    await mint(t.e, id, 50_000_000n);
    consumer.setPrincipal(owner);
    const jobs: bigint[] = [];
    for (let i = 0; i <= 20; i++) jobs.push(ok(await consumer.ask(`${PROMPT} ${i}`, t.model, 4)).job_id);
    escrowIds.push(...jobs);

    const kept = await consumer.answers();
    expect(kept.map((a) => a.job_id)).toEqual(jobs.slice(1));
    expect(kept[19].prompt).toBe(`${PROMPT} 20`);
  });

  it('refuses a stranger: nothing is spent, no job is run and no answer kept', async () => {
    const { id, consumer } = await installConsumer();
    await mint(t.e, id, 50_000_000n);
    const posted = worker.posts.length;

    for (const stranger of [randomUser(), worker.provider]) {
      consumer.setPrincipal(stranger);
      const reply = await consumer.ask(PROMPT, t.model, MAX_TOKENS);
      expect(errName(reply)).toBe('Unauthorized');
    }
    expect(await balance(t.e, id)).toBe(50_000_000n);
    expect(worker.posts).toHaveLength(posted);
    expect(await consumer.answers()).toEqual([]);
  });

  it('tells an unfunded canister’s owner the approve failed, with no job run and nothing spent', async () => {
    const { id, consumer } = await installConsumer();
    const posted = worker.posts.length;

    consumer.setPrincipal(owner);
    const reply = await consumer.ask(PROMPT, t.model, MAX_TOKENS);
    expect(errName(reply)).toBe('ApproveFailed');
    expect((reply as { Err: { ApproveFailed: string } }).Err.ApproveFailed).toMatch(/InsufficientFunds/);
    expect(await balance(t.e, id)).toBe(0n);
    expect(worker.posts).toHaveLength(posted);
    expect(await consumer.answers()).toEqual([]);
  });

  /** One ingress call and its rejection, if any. */
  async function ingress(canisterId: Principal, method: string, arg: Uint8Array, sender: Principal) {
    const result = await t.network.submitIngress({ canisterId, method, arg, sender });
    return 'reject' in result ? result.reject : undefined;
  }
  const noticeArg = (jobId: bigint) => new Uint8Array(IDL.encode([IDL.Nat64, IDL.Text], [jobId, 'on_job_end']));

  it('submits a long job with a notice, and on_job_end is called exactly once when it settles, the price and two fees paid', async () => {
    const { id, consumer } = await installConsumer();
    await mint(t.e, id, 50_000_000n);
    consumer.setPrincipal(owner);

    const job_id = ok(await consumer.ask_long(PROMPT, t.model, LONG_JOB_TOKENS));
    escrowIds.push(job_id);
    expect(await consumer.job_ends()).toEqual([]);
    const job = await finished(t, t.e.deployer, job_id);
    expect(job).toMatchObject({ state: { settled: null }, consumer: id });
    // The notice is one way: it lands on a tick after the settlement, then no other follows.
    expect(await noticed(t, consumer)).toEqual([{ job_id, outcome: { settled: null } }]);
    expect(50_000_000n - (await balance(t.e, id))).toBe(job.price + 2n * FEE);
    // A short job is ask's: ask_long refuses it before spending anything.
    const short = await consumer.ask_long(PROMPT, t.model, LONG_JOB_TOKENS - 1);
    expect(errName(short)).toBe('InvalidInput');
    expect(50_000_000n - (await balance(t.e, id))).toBe(job.price + 2n * FEE);
  });

  it('refuses notices asked by users, the job’s consumer or a stranger, and on_job_end from anyone but the marketplace', async () => {
    const { id, consumer } = await installConsumer();
    // A user's own job: a user has no method to call, so notify_on_end is for canisters only.
    const { job, consumer: user } = await submit(t, { max_tokens: LONG_JOB_TOKENS });
    escrowIds.push(job.id);
    for (const sender of [user, randomUser(), owner]) {
      expect(await ingress(t.e.ids.marketplace, 'notify_on_end', noticeArg(job.id), sender)).toMatchObject({ errorCode: 'IC0406' });
    }
    // Nobody but the marketplace may tell the canister a job ended, not even its owner.
    const told = new Uint8Array(IDL.encode([IDL.Nat64, JobOutcome], [job.id, { settled: null }]));
    expect(await ingress(id, 'on_job_end', told, owner)).toMatchObject({ errorCode: 'IC0406' });
    await finished(t, user, job.id);
    await t.network.tick(5);
    expect(await consumer.job_ends()).toEqual([]);
  });
});
