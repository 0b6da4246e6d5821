// The example consumer canister (examples/consumer) as a dapp uses the market: its owner asks, and the canister
// quotes, approves payment from its own ledger account and calls run_job once, on the real economy and bridge with
// a real worker running the tiny llama. The answer comes back and is kept, the job is settled, and the canister
// paid exactly the price and two fees. A second ask while one runs is Busy, answers survive an upgrade and only the
// newest 20 are kept; a stranger cannot spend its tokens, and an unfunded canister is told why.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Answer, AskReply, InitArg } from '../../../examples/consumer/types';
import type { Actor } from '../../../src/localnet/index.js';
import { FEE, PROMPT, account, balance, errName, mint, ok } from '../economy/deploy';
import { expectMoneyInvariant } from '../economy/suite';
import { randomUser } from '../localnet/probe';
import { deployTrust, honest, serveNode, type Trust, type Worker } from '../trust/bridge_fixture';

const CONSUMER_WASM = fileURLToPath(new URL('../../../examples/.azle/consumer/consumer.wasm', import.meta.url));
if (!existsSync(CONSUMER_WASM)) throw new Error(`${CONSUMER_WASM} is missing: run \`npm run build:examples\` first`);

const idlFactory: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    ask: IDL.Func([IDL.Text, IDL.Nat64, IDL.Nat32], [AskReply], []),
    answers: IDL.Func([], [IDL.Vec(Answer)], ['query']),
  });
type ConsumerService = {
  ask(prompt: string, model: bigint, max_tokens: number): Promise<AskReply>;
  answers(): Promise<Answer[]>;
};

const MAX_TOKENS = 32;
// The most one answer may cost: the offers here ask 1,000,000 a request.
const MAX_PRICE = 10_000_000n;

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

  const settingsOf = (): InitArg => {
    const { ids } = t.e;
    return { marketplace: ids.marketplace, payment: ids.payment, ledger: ids.ledger, max_price: MAX_PRICE };
  };

  /** A consumer canister owned (controlled) by `owner`, paying from its own account. */
  async function installConsumer(): Promise<{ id: Principal; consumer: Actor<ConsumerService> }> {
    const { canisterId, actor } = await t.network.setupCanister<ConsumerService>({
      wasm: CONSUMER_WASM,
      idlFactory,
      sender: owner,
      controllers: [owner],
      arg: new Uint8Array(IDL.encode([InitArg], [settingsOf()])),
    });
    return { id: canisterId, consumer: actor };
  }

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
});
