// A job end to end with the bridge and real workers: the economy canisters and the bridge on the local network,
// wired as `npm start` wires them, and two worker HTTP servers running the generated tiny llama model. The bridge
// reaches them by replicated outcall (13 copies), settles on the answer's hash, fails over to the next node when
// one is down, and has the job refunded when none answers.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DispatchRequest } from '../../../canisters/bridge/types';
import type { Job } from '../../../canisters/marketplace/job_types';
import type { Account } from '../../../canisters/ledger/types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  PROMPT,
  account,
  approve,
  balance,
  deployEconomy,
  errName,
  expectMoneyInvariant,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  serveWorker,
  type Economy,
} from './suite';

type Worker = { node: Principal; provider: Principal; offer: bigint; runner: JobRunner; server: Server; url: string };

describe('jobs dispatched by the bridge to real workers', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const creator = randomUser();
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-'));
  const gguf = tinyLlamaGguf(42);
  const modelSha = createHash('sha256').update(gguf).digest();
  let generator: TextGenerator;
  let model: bigint;
  const workers: Worker[] = [];
  const escrowIds: bigint[] = [];

  async function startWorker(node: Principal, provider: Principal, offer: bigint): Promise<Worker> {
    const runner = new JobRunner({ text: { sha256: modelSha.toString('hex'), generator } });
    const { server, url } = await serveWorker(e, node, runner);
    return { node, provider, offer, runner, server, url };
  }

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer, [...NAMES, 'bridge']);
    model = (await publishModel(e, creator, 'tiny-llama', 500, { public: null }, modelSha)).id;
    treasury = (await e.payment.get_config()).config.treasury;
    for (const price of [1_000_000n, 1_500_000n]) {
      const { provider, node, offer } = await onboardProvider(e, [model], { price: { unit: { per_request: null }, amount: price } });
      workers.push(await startWorker(node, provider, offer.id));
    }
  });
  afterAll(async () => {
    for (const w of workers) w.server.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  let treasury: Account;
  const owedAccounts = (): Account[] => [...workers.map((w) => account(w.provider)), account(creator), treasury];

  async function submit(consumer: Principal): Promise<Job> {
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(jobRequest(model)));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(jobRequest(model)));
    escrowIds.push(job.id);
    return job;
  }

  /** Runs the network until the job is final (the bridge's outcalls, the settlement). */
  async function finished(consumer: Principal, id: bigint): Promise<Job> {
    e.marketplace.setPrincipal(consumer);
    for (let i = 0; i < 50; i++) {
      const job = ok(await e.marketplace.get_job(id));
      if ('settled' in job.state || 'refunded' in job.state) return job;
      await network.tick();
    }
    throw new Error(`job ${id} did not finish`);
  }

  const workerOf = (offer: bigint) => workers.find((w) => w.offer === offer)!;
  const stateOf = async (consumer: Principal, id: bigint) => {
    e.marketplace.setPrincipal(consumer);
    return Object.keys(ok(await e.marketplace.get_job(id)).state)[0];
  };

  it('runs a job on the chosen worker once for 13 replicated outcalls and settles on its answer', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    // Counted before the submission: the bridge sends its first outcall while it takes the job over.
    const executed = workers.map((w) => w.runner.status().executed);
    const job = await submit(consumer);
    expect(job.state).toEqual({ dispatched: null });
    const chosen = workerOf(job.offers[0]);
    const done = await finished(consumer, job.id);
    expect(done.state).toEqual({ settled: null });
    expect(workers.map((w, i) => w.runner.status().executed - executed[i])).toEqual(workers.map((w) => (w === chosen ? 1 : 0)));

    // The consumer reads the output; it is what the runtime gives for this prompt, bound by its hash.
    e.bridge!.setPrincipal(consumer);
    const output = ok(await e.bridge!.get_output(job.id));
    const direct = await generator.generate(PROMPT, 256);
    expect(Array.from(output.tokens)).toEqual(direct.tokens);
    expect(output.text).toEqual([direct.text]);
    expect(output.node.toText()).toBe(chosen.node.toText());
    expect(done.result_hash).toEqual([output.output_sha256]);
    expect(Buffer.from(output.output_sha256).toString('hex')).toBe(
      createHash('sha256')
        .update(JSON.stringify({ tokens: direct.tokens, text: direct.text }))
        .digest('hex'),
    );
    e.bridge!.setPrincipal(randomUser());
    expect(errName(await e.bridge!.get_output(job.id))).toBe('Unauthorized');

    // Settlement as without the bridge: 80% of price - fee to the provider that ran it.
    expect(await e.payment.owed_of(account(chosen.provider))).toBe(((job.price - FEE) * 8_000n) / 10_000n);
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('refunds the share the offer’s SLA declares when the result comes later than its p95 latency', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    e.marketplace.setPrincipal(consumer);
    const chosen = workerOf(ok(await e.marketplace.quote(jobRequest(model))).chosen[0].offer);
    const offer = ok(await e.marketplace.get_offer(chosen.offer));
    e.marketplace.setPrincipal(chosen.provider);
    ok(
      await e.marketplace.update_offer(chosen.offer, {
        ...offer.terms,
        sla: { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 2_500 },
      }),
    );
    const owedBefore = await e.payment.owed_of(account(chosen.provider));
    const job = await submit(consumer);
    const afterEscrow = await balance(e, consumer);
    // Five seconds pass between the hand-over and the worker's answer: later than the 2 s promised.
    await network.advanceTime(5_000);
    const done = await finished(consumer, job.id);
    expect(done).toMatchObject({ state: { settled: null }, late_refund_bps: 2_500 });
    const back = (job.price * 2_500n) / 10_000n;
    expect((await balance(e, consumer)) - afterEscrow).toBe(back - FEE);
    expect((await e.payment.owed_of(account(chosen.provider))) - owedBefore).toBe(((job.price - back - FEE) * 8_000n) / 10_000n);
    e.marketplace.setPrincipal(chosen.provider);
    ok(await e.marketplace.update_offer(chosen.offer, offer.terms));
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('sends an outcome again when the marketplace could not take it (stopped for an upgrade)', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const job = await submit(consumer);
    // The worker answers while the marketplace is stopped: the bridge's report is rejected and kept.
    await network.stopCanister(e.ids.marketplace, deployer);
    for (let i = 0; i < 3; i++) await network.tick();
    await network.startCanister(e.ids.marketplace, deployer);
    expect(await stateOf(consumer, job.id)).toBe('dispatched');
    // The bridge's timer sends it again.
    await network.advanceTime(301_000);
    for (let i = 0; i < 5 && (await stateOf(consumer, job.id)) !== 'settled'; i++) await network.tick();
    expect(await stateOf(consumer, job.id)).toBe('settled');
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('fails over to the next node when the chosen worker is down', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    e.marketplace.setPrincipal(consumer);
    const first = workerOf(ok(await e.marketplace.quote(jobRequest(model))).chosen[0].offer);
    first.server.close();
    const job = await submit(consumer);
    const done = await finished(consumer, job.id);
    expect(done.state).toEqual({ settled: null });
    e.bridge!.setPrincipal(consumer);
    const output = ok(await e.bridge!.get_output(job.id));
    expect(output.node.toText()).not.toBe(first.node.toText());
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('probes every node’s health and costs a node that does not answer some reputation', async () => {
    // The failover test left one worker down; on its own, this test takes one down.
    if (workers.every((w) => w.server.listening)) workers[0].server.close();
    const [down, up] = [workers.find((w) => !w.server.listening)!, workers.find((w) => w.server.listening)!];
    const before = await Promise.all([down, up].map(async (w) => (await e.identity.get_reputation(w.provider)).bps));
    const counted = async (node: Principal) => (await e.bridge!.probes_of(node))[0] ?? { probes: 0n, failures: 0n, last_ok: true };
    const [downBefore, upBefore] = [await counted(down.node), await counted(up.node)];
    await network.advanceTime(301_000);
    for (let i = 0; i < 5; i++) await network.tick();
    const [downAfter, upAfter] = [await counted(down.node), await counted(up.node)];
    expect(downAfter.probes).toBeGreaterThan(downBefore.probes);
    expect(downAfter.failures - downBefore.failures).toBe(downAfter.probes - downBefore.probes);
    expect(downAfter.last_ok).toBe(false);
    expect(upAfter.probes).toBeGreaterThan(upBefore.probes);
    expect(upAfter).toMatchObject({ last_ok: true, failures: upBefore.failures });
    expect((await e.identity.get_reputation(down.provider)).bps).toBe(before[0] - 100 * Number(downAfter.failures - downBefore.failures));
    expect((await e.identity.get_reputation(up.provider)).bps).toBe(before[1]);
  });

  it('has the job refunded when no node answers, with every node’s reason', async () => {
    for (const w of workers) w.server.close();
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const job = await submit(consumer);
    const afterEscrow = await balance(e, consumer);
    const done = await finished(consumer, job.id);
    expect(done.state).toEqual({ refunded: null });
    for (const w of workers) expect(done.failure[0]).toContain(w.node.toText());
    expect((await balance(e, consumer)) - afterEscrow).toBe(job.price - FEE);
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('takes endpoints only from claimed nodes and jobs only from the marketplace, and closes the admin’s outcome path', async () => {
    e.bridge!.setPrincipal(randomUser());
    expect(errName(await e.bridge!.register_endpoint('http://127.0.0.1:1'))).toBe('Unauthorized');
    e.bridge!.setPrincipal(workers[0].node);
    expect(errName(await e.bridge!.register_endpoint('ftp://example.com'))).toBe('InvalidInput');
    expect(errName(await e.bridge!.register_endpoint('http://user:pw@example.com'))).toBe('InvalidInput');
    const request: DispatchRequest = {
      job_id: 999n,
      consumer: randomUser(),
      kind: { text_generation: null },
      model_sha256: modelSha,
      input: 'x',
      max_tokens: 1,
      redundancy: 1,
      nodes: [workers[0].node],
      generation: [],
    };
    // Jobs come from the marketplace canister: the bridge's inspect_message refuses dispatch by ingress, whoever signs it.
    for (const caller of [randomUser(), deployer]) {
      e.bridge!.setPrincipal(caller);
      await expect(e.bridge!.dispatch(request)).rejects.toThrow(/rejected the message/);
    }
    e.marketplace.setPrincipal(deployer);
    expect(errName(await e.marketplace.complete_job(0n, new Uint8Array(32), []))).toBe('Unauthorized');
    // A job without its input cannot be dispatched, so it is refused before any money moves.
    e.marketplace.setPrincipal(randomUser());
    expect(errName(await e.marketplace.submit_job(jobRequest(model, { input: [] })))).toBe('InvalidInput');
  });
});
