// The worker's HTTP interface over real HTTP with the real runtimes: the 13 replicated copies of one outcall run
// the model once and get byte-identical answers; bad requests get clear errors. Without an assignment lookup (the
// bridge's, which tests/unit/worker/admission.test.ts injects) it runs any well-formed request.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Embedder, EMBEDDING_MODEL } from '../../../src/worker/runtime/embeddings';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { createWorkerServer, JobRunner, type JobBody } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';

const EMBEDDER_SHA = 'e'.repeat(64);
const NODE = Principal.fromUint8Array(new Uint8Array([7, 7, 7]));

describe('the worker’s HTTP interface', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-'));
  const bytes = tinyLlamaGguf(42);
  const textSha = createHash('sha256').update(bytes).digest('hex');
  let generator: TextGenerator;
  let runner: JobRunner;
  let url: string;
  let close: () => void;

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.gguf'), bytes);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 256 });
    runner = new JobRunner({
      text: { sha256: textSha, generator },
      embedding: { sha256: EMBEDDER_SHA, embedder: await Embedder.load(), runtime: EMBEDDING_MODEL },
    });
    const server = createWorkerServer(runner, { node: NODE });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(async () => {
    close?.();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) => fetch(`${url}/jobs`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  const job = (id: string, extra: Partial<JobBody> = {}): JobBody => ({
    job_id: id,
    kind: 'text_generation',
    model_sha256: textSha,
    input: 'Why is the sky blue?',
    max_tokens: 24,
    ...extra,
  });

  it('answers GET /node with the node it runs as, which the bridge checks before registering its URL', async () => {
    const response = await fetch(`${url}/node`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(NODE.toText());
  });

  it('runs a job once for 13 replicated requests and answers each with the same bytes', async () => {
    const before = runner.status().executed;
    const responses = await Promise.all(Array.from({ length: 13 }, () => post(job('1'))));
    const bodies = await Promise.all(responses.map((r) => r.arrayBuffer().then((b) => Buffer.from(b).toString('hex'))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(new Set(bodies).size).toBe(1);
    expect(runner.status().executed - before).toBe(1);
    const answer = JSON.parse(Buffer.from(bodies[0], 'hex').toString());
    expect(answer).toMatchObject({ job_id: '1', kind: 'text_generation', runtime: 'node-llama-cpp 3.22.1 cpu' });
    // The hash binds the tokens and the text the consumer reads together (canisters/shared/output_hash.ts).
    expect(answer.output_sha256).toBe(
      createHash('sha256')
        .update(JSON.stringify({ tokens: answer.tokens, text: answer.text }))
        .digest('hex'),
    );
    expect(Object.keys(answer).sort()).toEqual([
      'finish',
      'job_id',
      'kind',
      'output_sha256',
      'prompt_tokens',
      'runtime',
      'sampling',
      'text',
      'tokens',
    ]);
    // The prompt's size (BOS included) for usage reports: outside the hash, like the finish.
    expect(answer.prompt_tokens).toBe((await generator.generate('Why is the sky blue?', 1)).prompt_tokens);
    expect(answer.finish).toMatch(/^(stop|max_tokens)$/);
    // The same request later is answered from memory, byte for byte.
    expect(Buffer.from(await (await post(job('1'))).arrayBuffer()).toString('hex')).toBe(bodies[0]);
    expect(runner.status().executed - before).toBe(1);
  });

  it('embeds with the trained model and binds the vector by its hash', async () => {
    const answer = await (await post(job('2', { kind: 'embedding', model_sha256: EMBEDDER_SHA, input: 'hello world' }))).json();
    expect(answer.vector).toHaveLength(512);
    expect(answer.output_sha256).toBe(createHash('sha256').update(JSON.stringify(answer.vector)).digest('hex'));
  });

  it('refuses bad requests with the reason', async () => {
    const cases: [unknown, number, RegExp][] = [
      ['not json', 400, /not JSON/],
      [{ ...job('3'), job_id: 'x' }, 400, /job_id/],
      [{ ...job('3'), kind: 'painting' }, 400, /kind/],
      [{ ...job('3'), max_tokens: 0 }, 400, /max_tokens/],
      [job('3', { sampling: { top_p: 0 } }), 400, /sampling.top_p/],
      [job('3', { model_sha256: 'a'.repeat(64) }), 404, /does not serve model/],
      [JSON.stringify({ ...job('4'), input: 'x'.repeat(40_000) }), 400, /input: 40000 bytes, more than the 32768/],
      [JSON.stringify({ ...job('4'), input: 'x'.repeat(250_000) }), 413, /exceeds/],
      [job('5', { mode: 'async' }), 501, /short jobs only/],
      [{ ...job('6'), mode: 'later' }, 400, /mode/],
      [job('7', { chat: true }), 400, /^input: a chat input is a JSON list of messages/],
      [job('7', { chat: true, input: '[{"role":"robot","content":"hi"}]' }), 400, /^input: message 0: role/],
      [job('7', { stop: [''] }), 400, /^stop: each stop is 1 to 64 UTF-8 bytes/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((await response.json()).error).toMatch(message);
    }
    // A job refused for the model is not remembered: the same id can run once the request is right.
    expect((await post(job('3'))).status).toBe(200);
  });

  it('runs a chat job through the model’s chat template and ends it at a stop string', async () => {
    const input = JSON.stringify([{ role: 'user', content: 'Why is the sky blue?' }]);
    const chat = await (await post(job('8', { input, chat: true }))).json();
    const raw = await (await post(job('9'))).json();
    expect(chat.prompt_tokens).toBeGreaterThan(raw.prompt_tokens);
    expect(chat.tokens).not.toEqual(raw.tokens);
    const stop = chat.text.slice(4, 6);
    const stopped = await (await post(job('10', { input, chat: true, stop: [stop] }))).json();
    expect(stopped).toMatchObject({ finish: 'stop', text: chat.text.slice(0, chat.text.indexOf(stop)) });
    expect(stopped.tokens).toEqual(chat.tokens.slice(0, stopped.tokens.length));
  });

  it('runs another request under a used job id as a job of its own, so a squatter cannot block the real one', async () => {
    const first = await (await post(job('1'))).json();
    const other = await post(job('1', { input: 'a different prompt', sampling: { temperature: 0.9, seed: 7 } }));
    expect(other.status).toBe(200);
    expect((await other.json()).sampling).toEqual({ temperature: 0.9, top_k: 0, top_p: 1, seed: 7 });
    expect(await (await post(job('1'))).json()).toEqual(first);
  });

  it('reports its queue and generation speed at /status', async () => {
    const status = await (await fetch(`${url}/status`)).json();
    expect(status).toMatchObject({ queue: 0 });
    expect(status.tokens_per_second).toBeGreaterThan(0);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });
});
