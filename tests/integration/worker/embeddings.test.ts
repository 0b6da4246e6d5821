// The worker's embeddings with the real trained Universal Sentence Encoder lite, installed from npm.
import { beforeAll, describe, expect, it } from 'vitest';

import { Embedder, EMBEDDING_MODEL, similarity } from '../../../src/worker/runtime/embeddings';

describe('sentence embeddings with the Universal Sentence Encoder lite', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await Embedder.load();
  });

  it('gives 512 dimensions, the same vector for the same text, and names the model', async () => {
    const [a, b] = [await embedder.embed('Why is the sky blue?'), await embedder.embed('Why is the sky blue?')];
    expect(a.vector).toHaveLength(512);
    expect(b.vector).toEqual(a.vector);
    expect(a.model).toBe(EMBEDDING_MODEL);
  });

  it('places sentences that mean the same closer than sentences that do not: the model is trained', async () => {
    const sky = (await embedder.embed('Why is the sky blue?')).vector;
    const paraphrase = (await embedder.embed('What makes the sky look blue?')).vector;
    const unrelated = (await embedder.embed('The bakery sells fresh bread every morning.')).vector;
    expect(similarity(sky, paraphrase)).toBeGreaterThan(similarity(sky, unrelated) + 0.2);
  });

  it('measures similarity as the cosine, refusing vectors of different lengths', () => {
    expect(similarity([1, 0], [1, 0])).toBe(1);
    expect(similarity([1, 0], [0, 1])).toBe(0);
    expect(similarity([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(() => similarity([1], [1, 2])).toThrow(/different lengths/);
  });
});
