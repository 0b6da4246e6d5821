// The worker protocol against a hostile stranger, on the real bridge: workers served as `npm run worker` serves
// them (serveWorker: the real job runner, asking the bridge's job_assignment as its node on every POST /jobs). A
// stranger's request is refused, a squatter's input under a real job id is refused whether it comes first or while
// the job runs, the real job runs once and settles, and a full worker answers 503, which the bridge takes as a
// failed node and moves the job to a spare.
import type { Principal } from '@dfinity/principal';
import type { Server, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { PROMPT, ok, onboardProvider, serveWorker } from '../economy/suite';
import { deployTrust, finished, submit, type Trust } from './bridge_fixture';

type Reply = { status: number; retryAfter: string | undefined };
type Served = { node: string; url: string; runner: JobRunner; replies: Reply[] };

describe('the worker runs only what the bridge gave it', () => {
  let t: Trust;
  let worker: Served;
  let spare: Served;
  /** Runs before each generation on the first worker, while the bridge's request is in flight. */
  let beforeRun: () => Promise<void> = async () => {};

  async function serve(runner: JobRunner, price: bigint): Promise<Served> {
    const { node } = await onboardProvider(t.e, [t.model], { price: { unit: { per_request: null }, amount: price } });
    const { server, url } = await serveWorker(t.e, node, runner);
    t.servers.push(server);
    return { node: node.toText(), url, runner, replies: record(server) };
  }

  beforeAll(async () => {
    t = await deployTrust();
    const generator = {
      runtime: t.generator.runtime,
      generate: async (...args: Parameters<TextGenerator['generate']>) => {
        await beforeRun();
        return t.generator.generate(...args);
      },
    } as unknown as TextGenerator;
    // The cheapest offer runs single-replica jobs; the spare is next. One job at a time, so one held job fills it.
    worker = await serve(new JobRunner({ text: { sha256: t.sha.toString('hex'), generator } }, undefined, 1), 800_000n);
    spare = await serve(new JobRunner({ text: { sha256: t.sha.toString('hex'), generator: t.generator } }), 1_000_000n);
  });
  afterAll(() => t?.close());

  /** The body the bridge posts for a job (jobBody in canisters/bridge/answers.ts), `input` swapped in. */
  const bodyOf = (jobId: bigint, input = PROMPT) =>
    JSON.stringify({ job_id: `${jobId}`, kind: 'text_generation', model_sha256: t.sha.toString('hex'), input, max_tokens: 32 });
  const post = async (url: string, body: string) => {
    const response = await fetch(`${url}/jobs`, { method: 'POST', body });
    return { status: response.status, body: await response.text() };
  };
  const error = (reply: { body: string }) => JSON.parse(reply.body).error as string;
  const outputOf = async (consumer: Principal, jobId: bigint) => {
    t.e.bridge!.setPrincipal(consumer);
    return ok(await t.e.bridge!.get_output(jobId));
  };

  it('refuses a stranger’s request for a job the bridge gave nobody, and runs nothing', async () => {
    const refused = await post(worker.url, bodyOf(1_000_000n));
    expect(refused.status).toBe(403);
    expect(error(refused)).toBe('job 1000000 is not given to this node');
    expect(worker.runner.status().executed).toBe(0);
  });

  it('refuses a squatter before and during the job; the bridge’s request runs once, on this worker, and settles', async () => {
    // Job ids count up: a squatter posts its own input under the next ones before any consumer submits.
    const squatted = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post(worker.url, bodyOf(BigInt(i), 'Say that the sky is green.'))),
    );
    expect(squatted.map((reply) => reply.status)).toEqual(Array(8).fill(403));

    let during: { status: number; body: string } | undefined;
    let replay: Promise<{ status: number; body: string }> | undefined;
    let jobId = -1n;
    beforeRun = async () => {
      beforeRun = async () => {};
      during = await post(worker.url, bodyOf(jobId, 'Say that the sky is green.'));
      // A stranger who knows the input replays the bridge's exact bytes: it waits for the same run.
      replay = post(worker.url, bodyOf(jobId));
    };
    const { job, consumer } = await submit(t, { max_tokens: 32 });
    jobId = job.id;
    expect(job.id).toBeLessThan(8n);
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });

    expect(during?.status).toBe(403);
    expect(error(during!)).toBe(`this is not the request the bridge made for job ${job.id}`);
    const output = await outputOf(consumer, job.id);
    expect(output.node.toText()).toBe(worker.node);
    const direct = await t.generator.generate(PROMPT, 32);
    expect(Array.from(output.tokens)).toEqual(direct.tokens);
    const replayed = await replay!;
    expect(replayed.status).toBe(200);
    expect(JSON.parse(replayed.body).tokens).toEqual(direct.tokens);
    expect(worker.runner.status().executed).toBe(1);
    // Once the job is done it is nobody's: the same bytes are refused.
    expect((await post(worker.url, bodyOf(job.id))).status).toBe(403);
  });

  it('answers 503 with Retry-After when full, and the bridge gives the job to the spare', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    beforeRun = () => held;
    // Work the worker took before: it holds the only place in its queue.
    const busy = worker.runner.run({
      job_id: '999',
      kind: 'text_generation',
      model_sha256: t.sha.toString('hex'),
      input: 'hold',
      max_tokens: 4,
    });
    const before = worker.replies.length;
    try {
      const { job, consumer } = await submit(t, { max_tokens: 32 });
      expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
      expect((await outputOf(consumer, job.id)).node.toText()).toBe(spare.node);
      const replies = worker.replies.slice(before);
      expect(replies.length).toBeGreaterThan(0);
      for (const reply of replies) {
        expect(reply.status).toBe(503);
        expect(Number(reply.retryAfter)).toBeGreaterThan(0);
      }
    } finally {
      release();
      beforeRun = async () => {};
    }
    await busy;
    expect(worker.runner.status().queue).toBe(0);
  });
});

/** The status and Retry-After of every answer `server` gives to POST /jobs. */
function record(server: Server): Reply[] {
  const replies: Reply[] = [];
  server.on('request', (request, response: ServerResponse) => {
    if (request.url !== '/jobs') return;
    response.on('finish', () => {
      const retryAfter = response.getHeader('retry-after');
      replies.push({ status: response.statusCode, retryAfter: retryAfter === undefined ? undefined : String(retryAfter) });
    });
  });
  return replies;
}
