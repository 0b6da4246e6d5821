// Analytics fed by the bridge and verification as well: three workers run the tiny llama for a job of redundancy 3,
// one of them lying. Analytics counts each worker's run and tokens, the liar's slash, and pays-out per provider,
// checked against the bridge's output, verification's verdict and payment's credits.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TimeRange } from '../../../canisters/analytics/queries';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import { serveThreeWorkers, type Worker } from '../economy/three_workers';
import { FEE, NAMES, STAKE, account, approve, deployEconomy, jobRequest, mint, ok, publishModel, type Economy } from '../economy/suite';

const NS_PER_MS = 1_000_000n;

describe('analytics of runs and slashes reported by the bridge and verification', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const dir = mkdtempSync(join(tmpdir(), 'analytics-'));
  const gguf = tinyLlamaGguf(42);
  const sha = createHash('sha256').update(gguf).digest();
  let generator: TextGenerator;
  let model: bigint;
  const workers: Worker[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer, [...NAMES, 'bridge', 'verification', 'analytics']);
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, sha)).id;
    workers.push(...(await serveThreeWorkers(e, model, sha, generator)));
  });
  afterAll(async () => {
    for (const w of workers) w.server.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function range(): Promise<TimeRange> {
    const now = BigInt(await network.getTime()) * NS_PER_MS;
    return { resolution: { minute: null }, from: now - 3_600_000n * NS_PER_MS, to: now + 60_000n * NS_PER_MS };
  }

  it('counts every worker run and its tokens, the liar’s slash, and what each honest provider was paid', async () => {
    const owedBefore = await Promise.all(workers.map((w) => e.payment.owed_of(account(w.provider))));
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const request = jobRequest(model, { redundancy: 3, max_tokens: 32 });
    e.marketplace.setPrincipal(consumer);
    await approve(e, consumer, e.ids.payment, ok(await e.marketplace.quote(request)).total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(request));
    let state = '';
    for (let i = 0; i < 50 && state !== 'settled'; i++) {
      await network.tick();
      state = Object.keys(ok(await e.marketplace.get_job(job.id)).state)[0];
    }
    expect(state).toBe('settled');
    await network.tick();
    e.bridge!.setPrincipal(consumer);
    const tokens = BigInt(ok(await e.bridge!.get_output(job.id)).tokens.length);
    const [verdict] = await e.verification!.verdict_of(job.id);
    const slashed = verdict!.penalties[0].slashed;
    expect(slashed).toBe(STAKE / 10n);

    const all = ok(await e.analytics!.summary({ all: null }, await range()));
    // Every node answered with as many tokens as the delivered output has (the liar alters them, not their count).
    expect(all).toMatchObject({ matched: 1n, completed: 1n, settled: 1n, runs: 3n, tokens: 3n * tokens, slashes: 1n, slashed });
    expect(ok(await e.analytics!.summary({ model }, await range()))).toMatchObject({ runs: 3n, tokens: 3n * tokens, slashed });
    expect(ok(await e.analytics!.flows(await range())).slashed_from_providers).toBe(slashed);

    const owedAfter = await Promise.all(workers.map((w) => e.payment.owed_of(account(w.provider))));
    for (const [i, w] of workers.entries()) {
      const figures = ok(await e.analytics!.summary({ provider: w.provider }, await range()));
      // All three ran; only the two that agreed completed the job and were paid.
      expect(figures).toMatchObject({
        matched: 1n,
        runs: 1n,
        tokens,
        completed: w.liar ? 0n : 1n,
        slashed: w.liar ? slashed : 0n,
        provider_earnings: owedAfter[i] - owedBefore[i],
      });
    }
    const liar = workers.find((w) => w.liar)!;
    expect(await e.analytics!.account_flows(liar.provider)).toEqual([expect.objectContaining({ slashed, provider_earnings: 0n })]);
  });
});
