// The worker's HTTP interface, which the bridge canister reaches by HTTPS outcall. A job is idempotent by its id:
// the replicas of one outcall (13 on a subnet) all ask, the model runs once, and every copy gets the same bytes.
// Answers hold only what replicas must agree on (no times, no random ids), so the bridge's transform can pass them
// through whole. Timings and the queue are at GET /status, which is not part of any job's answer.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Embedder } from './runtime/embeddings';
import { GREEDY, type Sampling, type TextGenerator } from './runtime/text_generation';

export type JobKind = 'text_generation' | 'embedding';

export type JobBody = {
  job_id: string;
  kind: JobKind;
  /** sha256 (hex) of the model file the job was matched for: a worker serving another model refuses. */
  model_sha256: string;
  input: string;
  max_tokens?: number;
  sampling?: Sampling;
  /** async: answer `{ job_id, status: 'accepted' }` at once and post the result later (a long job). */
  mode?: 'sync' | 'async';
};

export type JobAnswer = {
  job_id: string;
  kind: JobKind;
  /** sha256 (hex) of the output's canonical JSON (the tokens, or the vector): what a result is bound to. */
  output_sha256: string;
  tokens?: number[];
  text?: string;
  vector?: number[];
  runtime: string;
  sampling?: Sampling;
};

/** Posts a long job's answer (the JSON bytes a sync request would get) to the bridge, signed by the worker. */
export type ResultPoster = (jobId: bigint, answer: Uint8Array) => Promise<void>;

export type WorkerModels = {
  text?: { sha256: string; generator: TextGenerator };
  embedding?: { sha256: string; embedder: Embedder; runtime: string };
};

const MAX_BODY_BYTES = 64 * 1024;
const MAX_REMEMBERED = 10_000;

export class JobError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sha256Hex = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Runs jobs once per id and remembers the answers, so a repeated request gets the same bytes. */
export class JobRunner {
  private readonly answers = new Map<string, { body: string; answer: Promise<Uint8Array> }>();
  private running = 0;
  private executed = 0;
  private generated = { tokens: 0, seconds: 0 };

  constructor(
    private readonly models: WorkerModels,
    private readonly post?: ResultPoster,
  ) {}

  /**
   * The answer to `body`, from memory when this job id was asked before with the same request. A long (async) job
   * is checked, acknowledged at once (the same bytes for every replica), run once, and its answer posted.
   */
  run(body: JobBody): Promise<Uint8Array> {
    if (body.mode !== 'async') return this.answer(body);
    try {
      if (this.post === undefined) throw new JobError(501, 'this worker cannot post results: it takes short jobs only');
      this.checkServes(body);
      const known = this.answers.get(body.job_id);
      if (known !== undefined && known.body !== JSON.stringify(body))
        throw new JobError(409, `job ${body.job_id} was asked before with a different request`);
      if (known === undefined) {
        const post = this.post;
        void this.answer(body)
          .then((bytes) => post(BigInt(body.job_id), bytes))
          .catch((error: Error) => console.error(`worker: job ${body.job_id} failed: ${error.message}`));
      }
      return Promise.resolve(new TextEncoder().encode(JSON.stringify({ job_id: body.job_id, status: 'accepted' })));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private answer(body: JobBody): Promise<Uint8Array> {
    const key = JSON.stringify(body);
    const known = this.answers.get(body.job_id);
    if (known !== undefined) {
      if (known.body !== key) return Promise.reject(new JobError(409, `job ${body.job_id} was asked before with a different request`));
      return known.answer;
    }
    const answer = this.execute(body).then((a) => new TextEncoder().encode(JSON.stringify(a)));
    this.answers.set(body.job_id, { body: key, answer });
    // A failed run is forgotten, so a retry runs it again.
    answer.catch(() => this.answers.delete(body.job_id));
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
        const generation = await text.generator.generate(body.input, body.max_tokens ?? 128, body.sampling ?? GREEDY);
        this.generated.tokens += generation.tokens.length;
        this.generated.seconds += generation.seconds;
        const { tokens, runtime, sampling } = generation;
        return { job_id: body.job_id, kind: body.kind, output_sha256: sha256Hex(tokens), tokens, text: generation.text, runtime, sampling };
      }
      const embedding = this.models.embedding;
      if (embedding === undefined || embedding.sha256 !== body.model_sha256)
        throw new JobError(404, `this worker does not serve model ${body.model_sha256}`);
      const { vector } = await embedding.embedder.embed(body.input);
      return { job_id: body.job_id, kind: body.kind, output_sha256: sha256Hex(vector), vector, runtime: embedding.runtime };
    } finally {
      this.running--;
    }
  }
}

/** The first problem with a job request body, or undefined. */
export function checkJobBody(value: unknown): string | undefined {
  const body = value as Partial<JobBody>;
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  if (typeof body.job_id !== 'string' || !/^\d{1,20}$/.test(body.job_id)) return 'job_id: a decimal nat64';
  if (body.kind !== 'text_generation' && body.kind !== 'embedding') return 'kind: text_generation or embedding';
  if (typeof body.model_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(body.model_sha256)) return 'model_sha256: 64 lowercase hex digits';
  if (typeof body.input !== 'string') return 'input: a string';
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)) return 'max_tokens: a positive integer';
  if (body.mode !== undefined && body.mode !== 'sync' && body.mode !== 'async') return 'mode: sync or async';
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new JobError(413, `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: Uint8Array | string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

export function createWorkerServer(runner: JobRunner): Server {
  return createServer(async (request, response) => {
    try {
      if (request.method === 'GET' && request.url === '/status') return send(response, 200, JSON.stringify(runner.status()));
      if (request.method !== 'POST' || request.url !== '/jobs')
        return send(response, 404, JSON.stringify({ error: 'POST /jobs or GET /status' }));
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch (error) {
        if (error instanceof JobError) throw error;
        throw new JobError(400, 'the body is not JSON');
      }
      const problem = checkJobBody(body);
      if (problem !== undefined) throw new JobError(400, problem);
      send(response, 200, await runner.run(body as JobBody));
    } catch (error) {
      const status = error instanceof JobError ? error.status : 500;
      send(response, status, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
}
