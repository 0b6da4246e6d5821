// The worker's HTTP interface, which the bridge canister reaches by HTTPS outcall. A job is idempotent by its id
// and request: the replicas of one outcall (13 on a subnet) all ask, the model runs once, and every copy gets the
// same bytes. Answers hold only what replicas must agree on (no times, no random ids), so the bridge's transform can
// pass them through whole. Timings and the queue are at GET /status, which is not part of any job's answer.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Principal } from '@dfinity/principal';

import { admission, type AssignmentLookup } from './assignment';
import { checkJobBody, promptOf, samplingOf, type JobBody, type JobKind } from './job_body';
import { JobError } from './job_error';
import { outputSha256Hex } from '../../canisters/shared/output_hash';
import type { Embedder } from './runtime/embeddings';
import type { Generation, Sampling, TextGenerator } from './runtime/text_generation';
import { MAX_INPUT_BYTES } from '../../canisters/shared/job_limits';

// What callers of the runner and the server handle, with them.
export type { JobBody, JobKind } from './job_body';
export { JobError } from './job_error';

export type JobAnswer = {
  job_id: string;
  kind: JobKind;
  /** sha256 (hex) of the output's canonical JSON (tokens and text, or the vector; see output_hash.ts): what a result is bound to. */
  output_sha256: string;
  tokens?: number[];
  text?: string;
  vector?: number[];
  runtime: string;
  sampling?: Sampling;
  /** The prompt's size in tokens (chat template included): usage only, outside output_sha256. */
  prompt_tokens?: number;
  finish?: Generation['finish'];
};

/** Posts a long job's answer (the JSON bytes a sync request would get) to the bridge, signed by the worker. */
export type ResultPoster = (jobId: bigint, answer: Uint8Array) => Promise<void>;

export type WorkerModels = {
  text?: { sha256: string; generator: TextGenerator };
  embedding?: { sha256: string; embedder: Embedder; runtime: string };
};

// The largest job the bridge posts: its input escaped as JSON (a control character takes 6 bytes) and the fields.
const MAX_BODY_BYTES = 6 * MAX_INPUT_BYTES + 4 * 1024;
const MAX_REMEMBERED = 10_000;
/**
 * Jobs running or waiting at once. Text generation runs one job at a time, so the last of 8 waits for 7 others:
 * about the most an outcall (some 30 s on mainnet) can wait for jobs of a hundred tokens on a modest machine.
 */
export const MAX_QUEUE = 8;
/** What a full worker tells callers to wait: about one job's run. */
const BUSY_RETRY_S = 10;

// A job is known by its id and the hash of its request, so a request under a job id somebody else used first runs
// on its own instead of being refused, and a repeat of either gets its own answer.
const requestKey = (body: JobBody): string => `${body.job_id} ${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;

/** Runs jobs once per request and remembers the answers, so a repeated request gets the same bytes. */
export class JobRunner {
  private readonly answers = new Map<string, Promise<Uint8Array>>();
  private running = 0;
  private executed = 0;
  private generated = { tokens: 0, seconds: 0 };

  constructor(
    private readonly models: WorkerModels,
    private readonly post?: ResultPoster,
    private readonly maxQueue = MAX_QUEUE,
  ) {}

  /**
   * The answer to `body`, from memory when the same request was made before. A long (async) job is checked,
   * acknowledged at once (the same bytes for every replica), run once, and its answer posted. A new job past a full
   * queue is refused with 503 and when to come back.
   */
  run(body: JobBody): Promise<Uint8Array> {
    try {
      const key = requestKey(body);
      if (body.mode !== 'async') return this.answer(body, key);
      if (this.post === undefined) throw new JobError(501, 'this worker cannot post results: it takes short jobs only');
      this.checkServes(body);
      if (!this.answers.has(key)) {
        const post = this.post;
        void this.answer(body, key)
          .then((bytes) => post(BigInt(body.job_id), bytes))
          .catch((error: Error) => console.error(`worker: job ${body.job_id} failed: ${error.message}`));
      }
      return Promise.resolve(new TextEncoder().encode(JSON.stringify({ job_id: body.job_id, status: 'accepted' })));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Throws a JobError when the request is new and the queue is full. */
  private answer(body: JobBody, key: string): Promise<Uint8Array> {
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    if (this.running >= this.maxQueue)
      throw new JobError(503, `the worker is busy: ${this.running} jobs queued, at most ${this.maxQueue}`, BUSY_RETRY_S);
    const answer = this.execute(body).then((a) => new TextEncoder().encode(JSON.stringify(a)));
    this.answers.set(key, answer);
    // A failed run is forgotten, so a retry runs it again.
    answer.catch(() => this.answers.delete(key));
    if (this.answers.size > MAX_REMEMBERED) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }

  /** queue: jobs running now; executed: jobs run (not answered from memory); tokens per second of generation. */
  status(): { queue: number; executed: number; remembered: number; tokens_per_second: number } {
    const rate = this.generated.seconds > 0 ? this.generated.tokens / this.generated.seconds : 0;
    return { queue: this.running, executed: this.executed, remembered: this.answers.size, tokens_per_second: Math.round(rate * 10) / 10 };
  }

  /** Throws 404 unless this worker serves the model the job names. */
  private checkServes(body: JobBody): void {
    const served = body.kind === 'text_generation' ? this.models.text : this.models.embedding;
    if (served === undefined || served.sha256 !== body.model_sha256)
      throw new JobError(404, `this worker does not serve model ${body.model_sha256}`);
  }

  private async execute(body: JobBody): Promise<JobAnswer> {
    this.checkServes(body);
    this.running++;
    this.executed++;
    try {
      if (body.kind === 'text_generation') {
        const text = this.models.text;
        if (text === undefined || text.sha256 !== body.model_sha256)
          throw new JobError(404, `this worker does not serve model ${body.model_sha256}`);
        const generation = await text.generator.generate(promptOf(body), body.max_tokens ?? 128, samplingOf(body), body.stop);
        this.generated.tokens += generation.tokens.length;
        this.generated.seconds += generation.seconds;
        const { tokens, runtime, sampling, prompt_tokens, finish } = generation;
        return {
          job_id: body.job_id,
          kind: body.kind,
          output_sha256: outputSha256Hex({ tokens, text: generation.text }),
          tokens,
          text: generation.text,
          runtime,
          sampling,
          prompt_tokens,
          finish,
        };
      }
      const embedding = this.models.embedding;
      if (embedding === undefined || embedding.sha256 !== body.model_sha256)
        throw new JobError(404, `this worker does not serve model ${body.model_sha256}`);
      const { vector } = await embedding.embedder.embed(body.input);
      return { job_id: body.job_id, kind: body.kind, output_sha256: outputSha256Hex({ vector }), vector, runtime: embedding.runtime };
    } finally {
      this.running--;
    }
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new JobError(413, `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: Uint8Array | string, retryAfterSeconds?: number): void {
  response.setHeader('content-type', 'application/json');
  if (retryAfterSeconds !== undefined) response.setHeader('retry-after', `${retryAfterSeconds}`);
  response.writeHead(status);
  response.end(body);
}

export type ServerOptions = {
  /** The node this worker runs as: GET /node answers it, which is how the bridge checks a URL registered as this node's. */
  node?: Principal;
  /** Where the worker learns which jobs the bridge gave it; without it the worker runs any well-formed request. */
  assignments?: AssignmentLookup;
};

export function createWorkerServer(runner: JobRunner, options: ServerOptions = {}): Server {
  const admit = options.assignments !== undefined ? admission(options.assignments) : undefined;
  return createServer(async (request, response) => {
    try {
      if (request.method === 'GET' && request.url === '/status') return send(response, 200, JSON.stringify(runner.status()));
      if (request.method === 'GET' && request.url === '/node' && options.node !== undefined)
        return void response.writeHead(200, { 'content-type': 'text/plain' }).end(options.node.toText());
      if (request.method !== 'POST' || request.url !== '/jobs')
        return send(response, 404, JSON.stringify({ error: 'POST /jobs, GET /status or GET /node' }));
      const raw = await readBody(request);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new JobError(400, 'the body is not JSON');
      }
      const problem = checkJobBody(body);
      if (problem !== undefined) throw new JobError(400, problem);
      const job = body as JobBody;
      send(response, 200, await (admit !== undefined ? admit(job.job_id, raw, () => runner.run(job)) : runner.run(job)));
    } catch (error) {
      const status = error instanceof JobError ? error.status : 500;
      const retryAfter = error instanceof JobError ? error.retryAfterSeconds : undefined;
      send(response, status, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }), retryAfter);
    }
  });
}
