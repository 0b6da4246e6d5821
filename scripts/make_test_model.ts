// Writes the tiny synthetic llama model the tests and the local demo use (src/worker/test_model): a real
// architecture with seeded weights, so its text is meaningless. Prints its path, size and sha256, which is what a
// creator publishes in the model registry.
//   npm run make:test-model [-- --seed 42 --out models/tiny-llama-synthetic-42.gguf]
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

import { tinyLlamaGguf } from '../src/worker/test_model/tiny_llama';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' }, out: { type: 'string' } } });
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const out = values.out ?? `models/tiny-llama-synthetic-${seed}.gguf`;
const bytes = tinyLlamaGguf(seed);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`${out}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
