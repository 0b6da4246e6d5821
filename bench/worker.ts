// Tokens per second through the worker's HTTP interface versus the runtime alone, on the same model and prompt,
// measured in the same run (budget: at least 95%). The model is the generated tiny llama (or --model <gguf>);
// with a model this small a token takes well under a millisecond, so the fixed cost of a request weighs more than
// it would with a real model.
//   npm run bench:worker [-- --model <file.gguf> --tokens 128 --jobs 20]
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { TextGenerator } from '../src/worker/runtime/text_generation';
import { createWorkerServer, JobRunner } from '../src/worker/server';
import { tinyLlamaGguf } from '../src/worker/test_model/tiny_llama';

const { values } = parseArgs({
  options: { model: { type: 'string' }, tokens: { type: 'string', default: '128' }, jobs: { type: 'string', default: '20' } },
});
const [tokens, jobs] = [Number(values.tokens), Number(values.jobs)];
let path = values.model;
if (path === undefined) {
  path = join(mkdtempSync(join(tmpdir(), 'bench-worker-')), 'tiny.gguf');
  writeFileSync(path, tinyLlamaGguf(42));
}
const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
const generator = await TextGenerator.load(path, { threads: 1, contextSize: 1024 });
const prompts = Array.from({ length: jobs }, (_, i) => `Question ${i}: why is the sky blue?`);

// Warm up both paths once.
await generator.generate(prompts[0], 8);

let generated = 0;
const t0 = performance.now();
for (const prompt of prompts) generated += (await generator.generate(prompt, tokens)).tokens.length;
const runtimeSeconds = (performance.now() - t0) / 1000;

const runner = new JobRunner({ text: { sha256: sha, generator } });
const server = createWorkerServer(runner);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs`;
let served = 0;
const t1 = performance.now();
for (const [i, prompt] of prompts.entries()) {
  const body = JSON.stringify({ job_id: String(i + 1), kind: 'text_generation', model_sha256: sha, input: prompt, max_tokens: tokens });
  const answer = (await (await fetch(url, { method: 'POST', body })).json()) as { tokens: number[] };
  served += answer.tokens.length;
}
const workerSeconds = (performance.now() - t1) / 1000;
server.close();
await generator.dispose();

const runtimeRate = generated / runtimeSeconds;
const workerRate = served / workerSeconds;
console.log(`Worker throughput: ${jobs} jobs of up to ${tokens} tokens, one at a time, ${generator.runtime}, 1 thread`);
console.table([
  { path: 'runtime alone (baseline)', tokens: generated, 'tokens/s': runtimeRate.toFixed(0) },
  { path: 'through the worker (HTTP)', tokens: served, 'tokens/s': workerRate.toFixed(0) },
]);
console.log(`worker / runtime: ${((100 * workerRate) / runtimeRate).toFixed(1)}% (budget: at least 95%)`);
