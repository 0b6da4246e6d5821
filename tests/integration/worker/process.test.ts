// The worker as a provider runs it: a separate process (`npm run worker`) talking to the local network over the
// IC's HTTP interface with the stock agent. It creates its key, checks its model file against the registry,
// registers and prints a claim code, is claimed, registers its endpoint with the bridge, sends heartbeats, serves
// a job the bridge dispatches and refuses one the bridge did not give it, and on restart finds itself claimed.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { NAMES, FEE, approve, deployEconomy, jobRequest, mint, ok, onboardProvider, publishEmbeddingModel, publishModel, type Economy } from '../economy/deploy';
import { serve, type Served } from '../gateway/fixture';
import { randomUser } from '../localnet/probe';

type Running = { child: ChildProcessWithoutNullStreams; output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> };

function startWorker(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts', ...args], { env: { ...process.env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const match = output.match(pattern);
        if (match) return resolve(match);
        if (child.exitCode !== null) return reject(new Error(`the worker exited (${child.exitCode}):\n${output}`));
        if (Date.now() - started > 60_000) return reject(new Error(`no ${pattern} in 60 s:\n${output}`));
        setTimeout(check, 50);
      };
      check();
    });
  return { child, output: () => output, waitFor };
}

async function stop(worker: Running): Promise<number | null> {
  if (worker.child.exitCode !== null) return worker.child.exitCode;
  worker.child.kill('SIGTERM');
  return new Promise((resolve) => worker.child.on('exit', (code) => resolve(code)));
}

describe('the worker process', () => {
  let served: Served;
  let e: Economy;
  const dir = mkdtempSync(join(tmpdir(), 'worker-process-'));
  const deployer = randomUser();
  let args: string[];
  let modelSha: string;

  beforeAll(async () => {
    served = await serve();
    e = await deployEconomy(served.network, deployer, [...NAMES, 'bridge']);
    const gguf = tinyLlamaGguf(42);
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    modelSha = createHash('sha256').update(gguf).digest('hex');
    writeFileSync(
      join(dir, 'ids.json'),
      JSON.stringify(Object.fromEntries(Object.entries(e.ids).map(([name, id]) => [name, { local: id.toText() }]))),
    );
    const model = await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, createHash('sha256').update(gguf).digest());
    args = [
      '--model',
      join(dir, 'tiny.gguf'),
      '--model-id',
      String(model.id),
      '--port',
      '0',
      '--host',
      served.url,
      '--key',
      join(dir, 'key.json'),
      '--ids',
      join(dir, 'ids.json'),
    ];
  }, 60_000);
  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, is claimed by code, serves a dispatched job and only that, and on restart finds itself claimed', async () => {
    const first = startWorker(args);
    try {
      const [, node] = await first.waitFor(/node (\S+) \(key created/);
      const [, code] = await first.waitFor(/claim code (\S+)/);
      const model = BigInt(args[3]);
      const { offer } = await onboardProvider(e, [model], {}, code);
      expect(offer.terms.nodes.map((n) => n.toText())).toEqual([node]);
      await first.waitFor(/worker: ready/);
      const [endpoint] = await e.bridge!.endpoint_of(offer.terms.nodes[0]);
      expect(endpoint?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await e.bridge!.health_of(offer.terms.nodes[0]))[0]?.queue).toBe(0);

      // A consumer's job goes through the bridge to this process and settles.
      const consumer = randomUser();
      await mint(e, consumer, 50_000_000n);
      e.marketplace.setPrincipal(consumer);
      const quote = ok(await e.marketplace.quote(jobRequest(model, { max_tokens: 32 })));
      await approve(e, consumer, e.ids.payment, quote.total + FEE);
      e.marketplace.setPrincipal(consumer);
      const job = ok(await e.marketplace.submit_job(jobRequest(model, { max_tokens: 32 })));
      let state = job.state;
      for (const started = Date.now(); !('settled' in state) && !('refunded' in state) && Date.now() - started < 60_000;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = ok(await e.marketplace.get_job(job.id)).state;
      }
      expect(state).toEqual({ settled: null });
      e.bridge!.setPrincipal(consumer);
      expect(ok(await e.bridge!.get_output(job.id)).node.toText()).toBe(node);
      // A stranger's request, for the next job id or again for this one, is not the bridge's: the process asked it.
      for (const id of [job.id + 1n, job.id]) {
        const stranger = await fetch(`${endpoint!.url}/jobs`, {
          method: 'POST',
          body: JSON.stringify({ job_id: `${id}`, kind: 'text_generation', model_sha256: modelSha, input: 'Say yes.', max_tokens: 8 }),
        });
        expect(stranger.status).toBe(403);
        expect((await stranger.json()).error).toBe(`job ${id} is not given to this node`);
      }
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = startWorker(args);
    try {
      await second.waitFor(/key read from/);
      await second.waitFor(/worker: ready/);
      expect(second.output()).not.toMatch(/claim code/);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 120_000);

  it('refuses a model file whose sha256 is not the registry’s', async () => {
    writeFileSync(join(dir, 'other.gguf'), tinyLlamaGguf(43));
    const worker = startWorker(['--model', join(dir, 'other.gguf'), ...args.slice(2), '--key', join(dir, 'key2.json')]);
    await worker.waitFor(/refusing to load it/);
    expect(
      await new Promise((resolve) => (worker.child.exitCode !== null ? resolve(worker.child.exitCode) : worker.child.on('exit', resolve))),
    ).toBe(1);
  }, 60_000);

  it('serves embeddings only for a registry entry of that task pinned to its model (--task embedding)', async () => {
    const exitCode = (worker: Running) =>
      new Promise((resolve) => (worker.child.exitCode !== null ? resolve(worker.child.exitCode) : worker.child.on('exit', resolve)));
    const rest = args.slice(4);
    // The text model's id: the wrong task.
    const textModel = startWorker(['--task', 'embedding', '--model-id', args[3], ...rest, '--key', join(dir, 'key3.json')]);
    await textModel.waitFor(/is a text_generation model, not embedding/);
    expect(await exitCode(textModel)).toBe(1);
    // An embedding entry pinned to something else than the model this worker has.
    const other = await publishModel(e, randomUser(), 'other-embedder', 0);
    const embedding = await publishEmbeddingModel(e, other.sha256, 'not-use-lite');
    const unpinned = startWorker(['--task', 'embedding', '--model-id', String(embedding.id), ...rest, '--key', join(dir, 'key4.json')]);
    await unpinned.waitFor(/refusing to serve it/);
    expect(await exitCode(unpinned)).toBe(1);
  }, 60_000);
});
