// The worker's text generation on the real llama.cpp runtime (node-llama-cpp's prebuilt CPU binaries) with the
// generated tiny llama model: repeatable greedy tokens, budgets, recorded sampling, and the sha256 gate.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyModelFile } from '../../../src/worker/runtime/model_file';
import { GREEDY, TextGenerator } from '../../../src/worker/runtime/text_generation';
import { DEFAULT_SHAPE, tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';

describe('text generation with the tiny synthetic llama', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-llama-'));
  const path = join(dir, 'tiny.gguf');
  const bytes = tinyLlamaGguf(42);
  let generator: TextGenerator;

  beforeAll(async () => {
    writeFileSync(path, bytes);
    generator = await TextGenerator.load(path, { gpu: false, threads: 1, contextSize: 256 });
  });
  afterAll(async () => {
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a GGUF that llama.cpp’s reader parses as a llama model of the declared shape', async () => {
    const info = await readGgufFileInfo(path);
    expect(info.metadata.general.architecture).toBe('llama');
    const llama = info.metadata.llama as unknown as Record<string, number | Record<string, number>>;
    expect(llama.embedding_length).toBe(DEFAULT_SHAPE.embedding);
    expect(llama.block_count).toBe(DEFAULT_SHAPE.layers);
    expect(info.tensorInfo?.map((t) => t.name)).toContain('blk.1.ffn_down.weight');
    // The same seed gives the same bytes (the registry pins the hash); another seed, another model.
    expect(createHash('sha256').update(tinyLlamaGguf(42)).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Buffer.compare(tinyLlamaGguf(43), bytes)).not.toBe(0);
  });

  it('generates the same tokens for the same prompt every time (greedy), and records how', async () => {
    const first = await generator.generate('Why is the sky blue?', 32);
    const second = await generator.generate('Why is the sky blue?', 32);
    expect(first.tokens.length).toBeGreaterThan(0);
    expect(first.tokens.length).toBeLessThanOrEqual(32);
    expect(second.tokens).toEqual(first.tokens);
    expect(second.text).toBe(first.text);
    expect(first.sampling).toEqual(GREEDY);
    expect(first.runtime).toMatch(/^node-llama-cpp 3\.22\.1 cpu$/);
    expect(first.tokens_per_second).toBeGreaterThan(0);
    const other = await generator.generate('What is a market price?', 32);
    expect(other.tokens).not.toEqual(first.tokens);
  });

  it('keeps to the token budget and refuses a prompt that cannot fit the context', async () => {
    expect((await generator.generate('the answer', 5)).tokens.length).toBeLessThanOrEqual(5);
    await expect(generator.generate('the answer', 1_000)).rejects.toThrow(/exceed the context of 256 tokens/);
    await expect(generator.generate('the answer', 0)).rejects.toThrow(/max_tokens/);
    // A refused request does not block the ones after it.
    expect((await generator.generate('the answer', 3)).tokens.length).toBeLessThanOrEqual(3);
  });

  it('samples repeatably for a given seed when asked to, and says so in the result', async () => {
    const sampling = { temperature: 1.5, top_k: 40, top_p: 0.95, seed: 7 };
    const [a, b] = [await generator.generate('the sky', 24, sampling), await generator.generate('the sky', 24, sampling)];
    expect(a.sampling).toEqual(sampling);
    expect(b.tokens).toEqual(a.tokens);
  });

  it('renders chat messages with the chat template, so the model reads another prompt than the bare text', async () => {
    // The tiny model has no chat template of its own: node-llama-cpp picks its Llama 2 wrapper ([INST] … [/INST]).
    expect(generator.chatTemplate).toBe('Llama2Chat');
    const question = 'Why is the sky blue?';
    const raw = await generator.generate(question, 16);
    const chat = await generator.generate([{ role: 'user', content: question }], 16);
    expect(chat.prompt_tokens).toBeGreaterThan(raw.prompt_tokens);
    expect(chat.tokens).not.toEqual(raw.tokens);
    // Greedy chat is repeatable like greedy text, and a system message is part of what the model reads.
    expect((await generator.generate([{ role: 'user', content: question }], 16)).tokens).toEqual(chat.tokens);
    const withSystem = await generator.generate(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: question },
      ],
      16,
    );
    expect(withSystem.prompt_tokens).toBeGreaterThan(chat.prompt_tokens);
  });

  it('ends at the first stop string: the text before it, the tokens up to it, finish stop', async () => {
    const full = await generator.generate('the sky', 32);
    expect(full.finish).toBe('max_tokens');
    // A stop taken from the middle of the text the model writes anyway, and one it never writes.
    const at = Math.floor(full.text.length / 2);
    const stop = full.text.slice(at, at + 2);
    const cut = full.text.indexOf(stop);
    const stopped = await generator.generate('the sky', 32, GREEDY, ['never written \u0000', stop]);
    expect(stopped.finish).toBe('stop');
    expect(stopped.text).toBe(full.text.slice(0, cut));
    expect(stopped.tokens.length).toBeLessThan(full.tokens.length);
    expect(stopped.tokens).toEqual(full.tokens.slice(0, stopped.tokens.length));
    // The same request stops at the same token every time, so replicas and audits compare equal outputs.
    expect((await generator.generate('the sky', 32, GREEDY, [stop])).tokens).toEqual(stopped.tokens);
    // A stop the model never writes changes nothing.
    expect((await generator.generate('the sky', 32, GREEDY, ['never written \u0000'])).tokens).toEqual(full.tokens);
  });

  it('samples a chat the same way for the same seed, and differently for some other seed', async () => {
    const messages = [{ role: 'user' as const, content: 'the sky' }];
    const sampling = { temperature: 0.8, top_k: 0, top_p: 0.95, seed: 42 };
    const [a, b] = [await generator.generate(messages, 24, sampling), await generator.generate(messages, 24, sampling)];
    expect(b.tokens).toEqual(a.tokens);
    expect(b.text).toBe(a.text);
    const others = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) others.push((await generator.generate(messages, 24, { ...sampling, seed })).tokens);
    expect(others.some((tokens) => JSON.stringify(tokens) !== JSON.stringify(a.tokens))).toBe(true);
  });

  it('runs generations one after another when they arrive together', async () => {
    const results = await Promise.all([1, 2, 3].map(() => generator.generate('Why is the sky blue?', 16)));
    expect(results[1].tokens).toEqual(results[0].tokens);
    expect(results[2].tokens).toEqual(results[0].tokens);
  });

  it('loads a model file only when its sha256 is the one the registry pins', async () => {
    await expect(verifyModelFile(path, createHash('sha256').update(bytes).digest())).resolves.toBeUndefined();
    const tampered = join(dir, 'tampered.gguf');
    const altered = new Uint8Array(bytes);
    altered[altered.length - 1] ^= 1;
    writeFileSync(tampered, altered);
    await expect(verifyModelFile(tampered, createHash('sha256').update(bytes).digest())).rejects.toThrow(/refusing to load it/);
  });
});
