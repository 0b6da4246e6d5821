// Long jobs: a worker acknowledges them in the outcall and posts the result later with a signed update call. Only
// the node the job was given to may post it, the result is checked like an outcall answer, and a second or late
// post finds nothing to complete. Also an embedding job end to end with the real trained model.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import type { Job } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import { Embedder, EMBEDDING_MODEL } from '../../../src/worker/runtime/embeddings';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  PROMPT,
  approve,
  deployEconomy,
  errName,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishEmbeddingModel,
  publishModel,
  serveWorker,
  type Economy,
} from './suite';

describe('long jobs posted back by their worker, and embeddings', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const dir = mkdtempSync(join(tmpdir(), 'long-'));
  const gguf = tinyLlamaGguf(42);
  const sha = createHash('sha256').update(gguf).digest();
  const embedderSha = createHash('sha256').update(EMBEDDING_MODEL).digest();
  let generator: TextGenerator;
  let model: bigint;
  let embeddingModel: bigint;
  let node: Principal;
  const servers: Server[] = [];
  // The answers the worker would post, held back so the test decides who posts what.
  const held = new Map<bigint, Uint8Array>();

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer, [...NAMES, 'bridge']);
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, sha)).id;
    embeddingModel = (await publishEmbeddingModel(e, embedderSha)).id;
    ({ node } = await onboardProvider(e, [model, embeddingModel]));
    const runner = new JobRunner(
      {
        text: { sha256: sha.toString('hex'), generator },
        embedding: { sha256: embedderSha.toString('hex'), embedder: await Embedder.load(), runtime: EMBEDDING_MODEL },
      },
      async (jobId, answer) => void held.set(jobId, answer),
    );
    servers.push((await serveWorker(e, node, runner)).server);
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await network?.stop();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function submit(request = jobRequest(model, { max_tokens: LONG_JOB_TOKENS + 16 })): Promise<{ job: Job; consumer: Principal }> {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    return { job: ok(await e.marketplace.submit_job(request)), consumer };
  }

  async function stateOf(consumer: Principal, id: bigint): Promise<string> {
    e.marketplace.setPrincipal(consumer);
    return Object.keys(ok(await e.marketplace.get_job(id)).state)[0];
  }

  it('takes the result of a long job only from its worker, checked, once', async () => {
    const { job, consumer } = await submit();
    // The worker runs the job in the background after acknowledging it: wait for its post, however slow the machine.
    for (const started = Date.now(); !held.has(job.id) && Date.now() - started < 60_000;) {
      await network.tick();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const answer = held.get(job.id)!;
    expect(answer).toBeDefined();
    expect(await stateOf(consumer, job.id)).toBe('dispatched');

    // Anyone else is refused, whatever they post.
    const stranger = network.createActor<BridgeService>(bridgeIdl, e.ids.bridge);
    stranger.setPrincipal(randomUser());
    expect(errName(await stranger.submit_result(job.id, answer))).toBe('Unauthorized');
    // The assigned worker's post is checked like an outcall answer.
    const worker = network.createActor<BridgeService>(bridgeIdl, e.ids.bridge);
    worker.setPrincipal(node);
    const tampered = JSON.parse(new TextDecoder().decode(answer));
    tampered.tokens[0] += 1;
    expect(errName(await worker.submit_result(job.id, new TextEncoder().encode(JSON.stringify(tampered))))).toBe('InvalidInput');
    expect(await stateOf(consumer, job.id)).toBe('dispatched');

    const output = ok(await worker.submit_result(job.id, answer));
    expect(Array.from(output.tokens)).toEqual((await generator.generate(PROMPT, LONG_JOB_TOKENS + 16)).tokens);
    expect(await stateOf(consumer, job.id)).toBe('settled');
    // A duplicate or late post finds nothing awaiting.
    expect(errName(await worker.submit_result(job.id, answer))).toBe('NotFound');
  });

  it('runs an embedding job through the bridge with the trained model', async () => {
    const prompt = 'What makes the sky look blue?';
    const input = Buffer.from(prompt);
    const { job, consumer } = await submit(
      jobRequest(embeddingModel, {
        input: [prompt],
        input_hash: createHash('sha256').update(input).digest(),
        input_bytes: BigInt(input.length),
      }),
    );
    for (let i = 0; i < 20 && (await stateOf(consumer, job.id)) !== 'settled'; i++) await network.tick();
    expect(await stateOf(consumer, job.id)).toBe('settled');
    e.bridge!.setPrincipal(consumer);
    const output = ok(await e.bridge!.get_output(job.id));
    expect(output.vector).toHaveLength(512);
    expect(output.tokens).toHaveLength(0);
    const direct = (await (await Embedder.load()).embed(prompt)).vector;
    expect(Array.from(output.vector).every((x, i) => Math.abs(x - direct[i]) < 1e-6)).toBe(true);
  });
});
