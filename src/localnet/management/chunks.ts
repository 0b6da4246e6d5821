// The chunk store behind chunked code installation (upload_chunk, stored_chunks,
// clear_chunk_store, install_chunked_code): modules larger than one ingress message are uploaded
// in chunks of at most 1 MiB and installed by the list of their hashes.
import { sha256 } from '@noble/hashes/sha2';

import { Reject, RejectCode } from '../errors.js';

export const MAX_CHUNK_BYTES = 1024 * 1024;
export const CHUNK_STORE_SIZE = 100;

export class ChunkStore {
  private readonly chunks = new Map<string, Uint8Array>();

  upload(chunk: Uint8Array): Uint8Array {
    if (chunk.length > MAX_CHUNK_BYTES) {
      throw new Reject(RejectCode.CANISTER_REJECT, `Wasm chunk size ${chunk.length} exceeds the maximum chunk size of ${MAX_CHUNK_BYTES}`);
    }
    const hash = sha256(chunk);
    const key = Buffer.from(hash).toString('hex');
    if (!this.chunks.has(key) && this.chunks.size >= CHUNK_STORE_SIZE) {
      throw new Reject(RejectCode.CANISTER_REJECT, `The chunk store is full: at most ${CHUNK_STORE_SIZE} chunks; clear it first`);
    }
    this.chunks.set(key, chunk);
    return hash;
  }

  hashes(): Uint8Array[] {
    return [...this.chunks.keys()].map((key) => new Uint8Array(Buffer.from(key, 'hex')));
  }

  clear(): void {
    this.chunks.clear();
  }

  /** Joins the listed chunks and checks the result against the module hash. */
  assemble(hashes: Uint8Array[], moduleHash: Uint8Array): Uint8Array {
    const parts = hashes.map((hash) => {
      const chunk = this.chunks.get(Buffer.from(hash).toString('hex'));
      if (!chunk) throw new Reject(RejectCode.CANISTER_REJECT, `Chunk 0x${Buffer.from(hash).toString('hex')} is not in the chunk store`);
      return chunk;
    });
    const module = new Uint8Array(Buffer.concat(parts));
    if (Buffer.compare(sha256(module), moduleHash) !== 0) {
      throw new Reject(RejectCode.CANISTER_REJECT, 'The assembled module does not match wasm_module_hash');
    }
    return module;
  }
}
