// The circuit breaker and the treasury, by proposal, on the governed suite with the bridge and a real worker: pausing
// job intake refuses new jobs while a job already running finishes and settles; resuming opens intake again; and a
// treasury spend pays the treasury's share of that job to a recipient, to the unit.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import type { Job } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  account,
  approve,
  balance,
  errName,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  serveWorker,
} from '../economy/suite';
import { transferArgs } from '../ledger/client';
import { reserveAccount } from '../../../canisters/governance/ledger_legs';
import { TIMELOCK_MS, VOTING_MS, deployGoverned, elapse, propose, proposal, stateOf, vote, type Governed } from './fixture';

const DAY_NS = 24n * 3_600_000_000_000n;

describe('pausing job intake and spending the treasury by proposal', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const dir = mkdtempSync(join(tmpdir(), 'governed-'));
  const gguf = tinyLlamaGguf(42);
  const sha = createHash('sha256').update(gguf).digest();
  let generator: TextGenerator;
  let model: bigint;
  let node: Principal;
  let provider: Principal;
  let server: Server;
  // Answers the worker would post back, held so the test decides when the running job finishes.
  const held = new Map<bigint, Uint8Array>();
  const request = () => jobRequest(model, { max_tokens: LONG_JOB_TOKENS + 16 });

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, [...NAMES, 'bridge', 'verification'], async (deployed) => {
      // Before the hand-over: jobs may run for ten days, so votes and timelocks do not time the running job out.
      deployed.marketplace.setPrincipal(deployer);
      ok(await deployed.marketplace.set_config({ ...DEFAULT_CONFIG, job_timeout_ns: 10n * DAY_NS }));
    });
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, sha)).id;
    ({ node, provider } = await onboardProvider(e, [model]));
    const runner = new JobRunner(
      { text: { sha256: sha.toString('hex'), generator } },
      async (jobId, answer) => void held.set(jobId, answer),
    );
    server = (await serveWorker(e, node, runner)).server;
  });
  afterAll(async () => {
    server?.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A consumer with an allowance for one job; returns the job, or the marketplace's error. */
  async function submit(consumer: Principal): Promise<{ Ok: Job } | { Err: object }> {
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request()));
    await mint(e, consumer, quote.total + 2n * FEE);
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    return e.marketplace.submit_job(request());
  }

  async function jobState(consumer: Principal, id: bigint): Promise<string> {
    e.marketplace.setPrincipal(consumer);
    return Object.keys(ok(await e.marketplace.get_job(id)).state)[0];
  }

  async function pass(summary: string, action: Parameters<typeof propose>[2]['action']): Promise<bigint> {
    const { id } = await propose(e, randomUser(), { summary, action });
    await vote(e, provider, id, true);
    return id;
  }

  it('refuses new jobs while paused, lets the running job finish, and takes jobs again once resumed', async () => {
    const consumer = randomUser();
    const running = ok(await submit(consumer));
    for (const started = Date.now(); !held.has(running.id) && Date.now() - started < 60_000;) {
      await network.tick();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await jobState(consumer, running.id)).toBe('dispatched');

    const pause = await pass('Pause intake while we investigate', { set_job_intake_paused: true });
    await elapse(e, VOTING_MS);
    expect(await e.marketplace.job_intake_paused()).toBe(false);
    await elapse(e, TIMELOCK_MS);
    expect(stateOf(await proposal(e, pause))).toBe('executed');
    expect(await e.marketplace.job_intake_paused()).toBe(true);

    // A new job is refused and nothing is taken from its consumer.
    const late = randomUser();
    expect(errName(await submit(late))).toBe('IntakePaused');
    const quote = ok(await e.marketplace.quote(request())).total;
    expect(await balance(e, late)).toBe(quote + FEE);
    // Nor can slots be reserved while intake is paused.
    const now = BigInt(await network.getTime()) * 1_000_000n;
    e.marketplace.setPrincipal(late);
    const reserved = await e.marketplace.reserve({ offer: 0n, slots: 1, start: now, end: now + 3_600_000_000_000n });
    expect(errName(reserved)).toBe('IntakePaused');

    // The job that was running finishes: its worker posts the result and payment settles it.
    e.bridge!.setPrincipal(node);
    ok(await e.bridge!.submit_result(running.id, held.get(running.id)!));
    expect(await jobState(consumer, running.id)).toBe('settled');

    const resume = await pass('Resume intake', { set_job_intake_paused: false });
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    expect(stateOf(await proposal(e, resume))).toBe('executed');
    expect(await e.marketplace.job_intake_paused()).toBe(false);
    e.marketplace.setPrincipal(late);
    expect(Object.keys(ok(await e.marketplace.submit_job(request())).state)[0]).toBe('dispatched');
  });

  it('pays out of the treasury to a recipient, and records a spend the treasury cannot cover as failed', async () => {
    const { treasury } = (await e.payment.get_config()).config;
    const owed = await e.payment.owed_of(treasury);
    // The settled job paid the treasury its share.
    expect(owed).toBeGreaterThan(FEE);
    const recipient = randomUser();
    const spend = await pass('Fund the docs', { spend_treasury: { amount: owed, to: { owner: recipient, subaccount: [] } } });
    const overdraw = await pass('Too much', { spend_treasury: { amount: owed + 1n, to: { owner: recipient, subaccount: [] } } });
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);

    const [paid, refused] = [await proposal(e, spend), await proposal(e, overdraw)];
    // Proposals execute in order: the second asked for more than the first left.
    expect([stateOf(paid), stateOf(refused)]).toEqual(['executed', 'failed']);
    expect('failed' in refused.state && refused.state.failed.reason).toMatch(/InsufficientOwed/);
    expect(await balance(e, recipient)).toBe(owed - FEE);
    expect(await e.payment.owed_of(treasury)).toBe(0n);
  });

  it('has identity pay slashed stake into governance’s reserve, which only a proposal spends', async () => {
    const reserve = reserveAccount(e.ids.governance);
    expect((await e.identity.settings()).treasury).toEqual(reserve);
    // Slashes need a lying worker (tests/integration/economy/verification.test.ts); here the deployer, the minting
    // account, mints what they would have paid straight into the reserve.
    const slashed = 5n * FEE;
    e.ledger.setPrincipal(deployer);
    ok(await e.ledger.icrc1_transfer(transferArgs(reserve, slashed)));

    const recipient = randomUser();
    const spend = await pass('Pay the auditors from slashed stake', { spend_reserve: { amount: slashed, to: account(recipient) } });
    const overdraw = await pass('Too much', { spend_reserve: { amount: slashed, to: account(recipient) } });
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    const [paid, refused] = [await proposal(e, spend), await proposal(e, overdraw)];
    expect([stateOf(paid), stateOf(refused)]).toEqual(['executed', 'failed']);
    expect('failed' in refused.state && refused.state.failed.reason).toMatch(/InsufficientFunds/);
    expect(await balance(e, recipient)).toBe(slashed - FEE);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(0n);
  });
});
