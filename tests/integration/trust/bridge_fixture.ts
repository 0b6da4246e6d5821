// What the bridge's trust tests share: the economy with the bridge and verification on one local network, the tiny
// llama published, and providers whose workers the test writes (honest, or lying where the attack needs it). Every
// worker here asks the bridge's job_assignment on each POST /jobs, as a real one does, and records the answer.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Job, JobRequest } from '../../../canisters/marketplace/job_types';
import { outputSha256Hex } from '../../../canisters/shared/output_hash';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobError, JobRunner, type JobBody } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  approve,
  deployEconomy,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  type CanisterName,
  type Economy,
} from '../economy/deploy'; // deploy.ts, not suite.ts: no vitest, so benchmarks can import this fixture

export type Trust = {
  network: LocalNetwork;
  e: Economy;
  generator: TextGenerator;
  model: bigint;
  sha: Buffer;
  /** The workers' HTTP servers, closed by close(). */
  servers: Server[];
  close(): Promise<void>;
};

/**
 * The economy, the bridge and verification, with the tiny llama published (audits off, as deployEconomy leaves them);
 * `more`: other canisters of the suite deployed with them (the api).
 */
export async function deployTrust(more: CanisterName[] = []): Promise<Trust> {
  const dir = mkdtempSync(join(tmpdir(), 'trust-'));
  const gguf = tinyLlamaGguf(42);
  const sha = createHash('sha256').update(gguf).digest();
  writeFileSync(join(dir, 'tiny.gguf'), gguf);
  const generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 512 });
  const network = await LocalNetwork.create();
  const e = await deployEconomy(network, randomUser(), [...NAMES, 'bridge', 'verification', ...more]);
  const model = (await publishModel(e, randomUser(), 'tiny-llama', 500, { public: null }, sha)).id;
  const servers: Server[] = [];
  return {
    network,
    e,
    generator,
    model,
    sha,
    servers,
    async close() {
      for (const server of servers) server.close();
      await network.stop();
      await generator.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a worker answers a POST /jobs: the status and the body bytes. */
export type Reply = { status: number; body: Uint8Array | string };
/** A worker's behaviour: the reply to one POST /jobs body, given the node's own bridge actor. */
export type Handler = (body: JobBody, bridge: BridgeService) => Promise<Reply>;

export type Worker = {
  provider: Principal;
  node: Principal;
  url: string;
  /** The node's signed actor on the bridge. */
  bridge: BridgeService;
  /** Each POST /jobs: the job, and whether job_assignment named the sha256 of the very bytes posted. */
  posts: { jobId: bigint; assigned: boolean }[];
};

/**
 * A provider (certified, staked, one offer at `price`) whose node serves `handler`; the cheapest offer runs a
 * single-replica job, the next are its spares. `stake`: onboardProvider's (the minimum) unless given; a liar slashed
 * more than once needs more to stay matched.
 */
export async function serveNode(t: Trust, handler: Handler, price = 1_000_000n, stake?: bigint): Promise<Worker> {
  const worker = await startNode(t, handler, price, stake);
  ok(await worker.bridge.register_endpoint(worker.url));
  return worker;
}

/** serveNode's provider and worker, its endpoint not registered yet. Its GET /node answers its node, as a real worker's does. */
export async function startNode(t: Trust, handler: Handler, price = 1_000_000n, stake?: bigint): Promise<Worker> {
  const { provider, node } = await onboardProvider(t.e, [t.model], { price: { unit: { per_request: null }, amount: price } }, { stake });
  const bridge = t.network.createActor<BridgeService>(bridgeIdl, t.e.ids.bridge);
  bridge.setPrincipal(node);
  const posts: Worker['posts'] = [];
  const server = createServer(async (request, response) => {
    if (request.method === 'GET' && request.url === '/node') return void response.end(node.toText());
    // The bridge's health probes read only the status; a real worker's body (timings, queue) is not needed here.
    if (request.method === 'GET' && request.url === '/status') return void response.end('{}');
    if (request.method !== 'POST' || request.url !== '/jobs') {
      response.writeHead(404);
      return void response.end();
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8')) as JobBody;
    const [assigned] = await bridge.job_assignment(BigInt(body.job_id));
    const sha = createHash('sha256').update(raw).digest();
    posts.push({ jobId: BigInt(body.job_id), assigned: assigned !== undefined && sha.equals(Buffer.from(assigned)) });
    const reply = await handler(body, bridge).catch((error: Error) => ({
      status: error instanceof JobError ? error.status : 500,
      body: JSON.stringify({ error: error.message }),
    }));
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(reply.body);
  });
  return { provider, node, url: await listen(t, server), bridge, posts };
}

/** Serves `server` on a free loopback port, closed by t.close(); its URL. */
async function listen(t: Trust, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Many workers' GET /node on one server, for tests of endpoints alone: `at(path, node)` is a URL whose worker runs
 * as `node` (the last node named for that path).
 */
export async function nodeAnswers(t: Trust): Promise<{ at(path: string, node: Principal): string }> {
  const nodes = new Map<string, Principal>();
  const server = createServer((request, response) => {
    const node = nodes.get(request.url?.replace(/\/node$/, '') ?? '');
    response.writeHead(node === undefined ? 404 : 200).end(node?.toText());
  });
  const url = await listen(t, server);
  return {
    at(path, node) {
      nodes.set(`/${path}`, node);
      return `${url}/${path}`;
    },
  };
}

/**
 * The nodes `jobId` was posted to, each once (every replica of an outcall posts), and whether job_assignment named
 * the posted body on every post.
 */
export function askedFor(workers: Worker[], jobId: bigint): { node: string; assigned: boolean }[] {
  return workers
    .map((w) => ({ node: w.node.toText(), posts: w.posts.filter((p) => p.jobId === jobId) }))
    .filter(({ posts }) => posts.length > 0)
    .map(({ node, posts }) => ({ node, assigned: posts.every((p) => p.assigned) }));
}

/** An honest worker: the real job runner on the tiny llama, posting long results to the bridge as its node. */
export function honest(t: Trust): Handler {
  let bridge: BridgeService | undefined;
  const runner = new JobRunner({ text: { sha256: t.sha.toString('hex'), generator: t.generator } }, async (jobId, answer) => {
    ok(await bridge!.submit_result(jobId, answer));
  });
  return async (body, nodeBridge) => {
    bridge = nodeBridge;
    return { status: 200, body: await runner.run(body) };
  };
}

/** The honest answer's bytes to `body`, run at once whatever its mode: what a long job's worker posts. */
export function honestAnswer(t: Trust, body: JobBody): Promise<Uint8Array> {
  return new JobRunner({ text: { sha256: t.sha.toString('hex'), generator: t.generator } }).run({ ...body, mode: 'sync' });
}

/** An answer's JSON with `change` applied and its output hashed again, so only a comparison can catch the lie. */
export function alter(answer: Uint8Array, change: (answer: Record<string, unknown>) => void): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(answer));
  change(json);
  json.output_sha256 = outputSha256Hex({ tokens: json.tokens, text: json.text });
  return new TextEncoder().encode(JSON.stringify(json));
}

/** The honest answer with `change` applied: a liar that keeps the answer well formed. */
export function altered(t: Trust, change: (answer: Record<string, unknown>) => void): Handler {
  return async (body) => ({ status: 200, body: alter(await honestAnswer(t, body), change) });
}

/**
 * A worker the test drives: it acknowledges long jobs and keeps their bodies for the test to post a result (as
 * its node), and answers short ones with `short` (the honest answer until the test sets another).
 */
export function scripted(t: Trust) {
  const held = new Map<bigint, JobBody>();
  const script = {
    held,
    short: (body: JobBody): Promise<Uint8Array> => honestAnswer(t, body),
    handler: (async (body) => {
      if (body.mode !== 'async') return { status: 200, body: await script.short(body) };
      held.set(BigInt(body.job_id), body);
      return { status: 200, body: JSON.stringify({ job_id: body.job_id, status: 'accepted' }) };
    }) as Handler,
  };
  return script;
}

/** A consumer who pays for and submits `request`. */
export async function submit(t: Trust, overrides: Partial<JobRequest> = {}): Promise<{ job: Job; consumer: Principal }> {
  const request = jobRequest(t.model, { max_tokens: 32, ...overrides });
  const consumer = randomUser();
  await mint(t.e, consumer, 50_000_000n);
  t.e.marketplace.setPrincipal(consumer);
  const quote = ok(await t.e.marketplace.quote(request));
  await approve(t.e, consumer, t.e.ids.payment, quote.total + FEE);
  t.e.marketplace.setPrincipal(consumer);
  return { job: ok(await t.e.marketplace.submit_job(request)), consumer };
}

/** Ticks until the job is settled or refunded (a long job's worker posts its result meanwhile). */
export async function finished(t: Trust, consumer: Principal, id: bigint): Promise<Job> {
  for (let i = 0; i < 200; i++) {
    await t.network.tick();
    t.e.marketplace.setPrincipal(consumer);
    const job = ok(await t.e.marketplace.get_job(id));
    if ('settled' in job.state || 'refunded' in job.state) return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

export const DEPOSIT = 1_000_000n;

/** The consumer approves the deposit and disputes the job. */
export async function dispute(t: Trust, consumer: Principal, jobId: bigint) {
  await approve(t.e, consumer, t.e.ids.payment, DEPOSIT + FEE);
  t.e.bridge!.setPrincipal(consumer);
  return t.e.bridge!.dispute(jobId);
}
