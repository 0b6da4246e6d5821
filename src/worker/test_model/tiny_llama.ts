// A small model in the real llama architecture (RMS norm, rotary attention with grouped heads, SwiGLU feed-forward)
// and a SentencePiece-style vocabulary with byte fallback, with weights drawn from a seeded generator: llama.cpp
// loads and runs it like any llama GGUF, so the runtime, the token flow and the speeds are real, while the text it
// writes is meaningless. The same seed gives the same bytes, so the file's sha256 can be pinned in the registry.
import { random } from '../../shared/random';
import { writeGguf, type MetadataValue, type Tensor } from './gguf_writer';

export type TinyLlamaShape = { embedding: number; layers: number; heads: number; kvHeads: number; feedForward: number; context: number };

export const DEFAULT_SHAPE: TinyLlamaShape = { embedding: 128, layers: 2, heads: 4, kvHeads: 2, feedForward: 256, context: 512 };

// Control tokens, then the 256 byte tokens the tokenizer falls back to, then whole pieces ("▁" marks a word start).
const WORDS = (
  'the of and to in is was for on that with as by at from it an be this are or which his her they ' +
  'have one had not but were all their has been can more when there who will would about into time so some what ' +
  'up out if other than only its them then two may these first new also after like over most very where how our ' +
  'sky blue light sun water model token answer question why because world data compute market price'
).split(' ');

function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3]; // unknown, control, control
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // byte
  }
  const pieces = [
    ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `▁${c}`),
    ...'abcdefghijklmnopqrstuvwxyz.,?!'.split(''),
    ...WORDS.map((w) => `▁${w}`),
  ];
  for (const piece of new Set(pieces)) {
    tokens.push(piece);
    types.push(1); // normal
  }
  // Longer pieces score higher, so the tokenizer prefers whole words.
  const scores = tokens.map((token, i) => (types[i] === 1 ? -1000 + token.length * 10 - i / 1000 : 0));
  return { tokens, scores, types };
}

/** The GGUF bytes of the tiny model for `seed`. */
export function tinyLlamaGguf(seed = 42, shape: TinyLlamaShape = DEFAULT_SHAPE): Uint8Array {
  const next = random(seed);
  const { tokens, scores, types } = vocabulary();
  const { embedding: e, layers, heads, kvHeads, feedForward: ff, context } = shape;
  const headDim = e / heads;
  const kv = headDim * kvHeads;
  // Weights uniform in ±scale/sqrt(fan-in), norms at 1: activations stay in range through the layers.
  const weights = (name: string, dims: number[], scale = 1): Tensor => {
    const count = dims.reduce((a, b) => a * b, 1);
    const bound = scale / Math.sqrt(dims[0]);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = (next() * 2 - 1) * bound;
    return { name, dims, data };
  };
  const ones = (name: string, n: number): Tensor => ({ name, dims: [n], data: new Float32Array(n).fill(1) });

  const tensors: Tensor[] = [weights('token_embd.weight', [e, tokens.length], Math.sqrt(e))];
  for (let l = 0; l < layers; l++) {
    tensors.push(
      ones(`blk.${l}.attn_norm.weight`, e),
      weights(`blk.${l}.attn_q.weight`, [e, e]),
      weights(`blk.${l}.attn_k.weight`, [e, kv]),
      weights(`blk.${l}.attn_v.weight`, [e, kv]),
      weights(`blk.${l}.attn_output.weight`, [e, e]),
      ones(`blk.${l}.ffn_norm.weight`, e),
      weights(`blk.${l}.ffn_gate.weight`, [e, ff]),
      weights(`blk.${l}.ffn_up.weight`, [e, ff]),
      weights(`blk.${l}.ffn_down.weight`, [ff, e]),
    );
  }
  tensors.push(ones('output_norm.weight', e), weights('output.weight', [e, tokens.length], 4));

  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { string: 'llama' }],
    ['general.name', { string: `tiny-llama-synthetic-${seed}` }],
    ['general.description', { string: 'Seeded synthetic weights for tests: a real llama architecture whose text is meaningless.' }],
    ['general.file_type', { u32: 0 }],
    ['llama.context_length', { u32: context }],
    ['llama.embedding_length', { u32: e }],
    ['llama.block_count', { u32: layers }],
    ['llama.feed_forward_length', { u32: ff }],
    ['llama.attention.head_count', { u32: heads }],
    ['llama.attention.head_count_kv', { u32: kvHeads }],
    ['llama.rope.dimension_count', { u32: headDim }],
    ['llama.attention.layer_norm_rms_epsilon', { f32: 1e-5 }],
    ['tokenizer.ggml.model', { string: 'llama' }],
    ['tokenizer.ggml.tokens', { strings: tokens }],
    ['tokenizer.ggml.scores', { f32s: scores }],
    ['tokenizer.ggml.token_type', { i32s: types }],
    ['tokenizer.ggml.unknown_token_id', { u32: 0 }],
    ['tokenizer.ggml.bos_token_id', { u32: 1 }],
    ['tokenizer.ggml.eos_token_id', { u32: 2 }],
    ['tokenizer.ggml.add_bos_token', { bool: true }],
  ];
  return writeGguf(metadata, tensors);
}
