// Issue 13, item 2, through the real verification canister: a provider matched to a redundant job unbonds all its
// stake before its lying answer is compared, and verification still slashes slash_bps of the stake it had at match
// time, taken from the unbonding stake (it computes the slash from bonded plus unbonding, as identity applies it).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { FEE, NAMES, STAKE, approve, deployEconomy, jobRequest, mint, ok, publishModel, type Economy } from '../economy/deploy';
import { serveThreeWorkers, type Worker } from '../economy/three_workers';
import { randomUser } from '../localnet/probe';

describe('a slash reaches stake unbonded after the match', () => {
  let network: LocalNetwork;
  let e: Economy;
  const dir = mkdtempSync(join(tmpdir(), 'slash-unbonding-'));
  const gguf = tinyLlamaGguf(7);
  const sha = createHash('sha256').update(gguf).digest();
  let generator: TextGenerator;
  let model: bigint;
  const workers: Worker[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployEconomy(network, randomUser(), [...NAMES, 'bridge', 'verification']);
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, sha)).id;
    workers.push(...(await serveThreeWorkers(e, model, sha, generator)));
  });
  afterAll(async () => {
    for (const w of workers) w.server.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('slashes the full rate of the stake the liar had when matched, though it unbonded everything since', async () => {
    const liar = workers.find((w) => w.liar)!;
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const request = jobRequest(model, { redundancy: 3, max_tokens: 16 });
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(request));

    // Matched, not yet answered: the liar moves its whole stake to unbonding.
    e.identity.setPrincipal(liar.provider);
    expect(ok(await e.identity.unbond(STAKE)).bonded).toBe(0n);

    for (let i = 0; i < 50 && (await e.verification!.verdict_of(job.id)).length === 0; i++) await network.tick();
    const [verdict] = await e.verification!.verdict_of(job.id);
    expect(verdict?.dissenting.map((n) => n.toText())).toEqual([liar.node.toText()]);
    expect(verdict?.penalties).toEqual([
      { provider: liar.provider, node: liar.node, slashed: STAKE / 10n, outcome: 'slashed; reputation lowered' },
    ]);
    const stake = await e.identity.get_stake(liar.provider);
    expect(stake.bonded).toBe(0n);
    expect(stake.unbonding.map((u) => u.amount)).toEqual([STAKE - STAKE / 10n]);
    expect(stake.slashed).toBe(STAKE / 10n);
  });
});
