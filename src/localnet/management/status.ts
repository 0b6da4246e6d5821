// canister_status's reply (spec: IC method canister_status), every field of the current ic.did filled from what
// the local network has, and zero where it models nothing of the kind:
//
// - memory_metrics: wasm_memory_size is the Wasm heap's size, stable_memory_size the stable memory's pages in bytes,
//   global_memory_size 8 bytes for each of the module's mutable globals (the globals kept from message to message),
//   wasm_binary_size the module as uploaded (gzipped if it came gzipped), custom_sections_size the names and
//   contents of its `icp:public`/`icp:private` metadata sections, wasm_chunk_store_size 1 MiB per stored chunk (the
//   spec: each chunk is charged as 1 MiB). canister_history_size, snapshots_size and log_memory_store_size are 0:
//   there is no canister history (canister_info), no snapshots and no log store behind the management canister.
//   memory_size is the sum of them all.
// - ready_for_migration is false: one subnet, so nowhere to migrate to.
// - reserved_cycles, idle_cycles_burned_per_day and query_stats are 0: no storage reservation, no idle or storage
//   fees, no query statistics are kept.
import { gunzipSync } from 'node:zlib';

import type { Canister } from '../canister.js';
import type { CompiledModule } from '../wasm/module_cache.js';
import { MAX_CHUNK_BYTES } from './chunks.js';
import type { CanisterStatusResult, MemoryMetrics } from './types.js';

const WASM_PAGE = 65536;
const BYTES_PER_GLOBAL = 8n;

export function canisterStatus(canister: Canister): CanisterStatusResult {
  const memory = memoryMetrics(canister);
  return {
    status: { [canister.status]: null } as CanisterStatusResult['status'],
    ready_for_migration: false,
    version: canister.version,
    settings: { controllers: canister.controllers, ...canister.settings },
    module_hash: canister.module ? [canister.module.hash] : [],
    memory_size: Object.values(memory).reduce((sum, n) => sum + n, 0n),
    memory_metrics: memory,
    cycles: canister.cycles,
    reserved_cycles: 0n,
    idle_cycles_burned_per_day: 0n,
    query_stats: {
      num_calls_total: 0n,
      num_instructions_total: 0n,
      request_payload_bytes_total: 0n,
      response_payload_bytes_total: 0n,
    },
  };
}

export function memoryMetrics(canister: Canister): MemoryMetrics {
  const module = canister.module;
  return {
    wasm_memory_size: BigInt(canister.instance?.memory.buffer.byteLength ?? 0),
    stable_memory_size: BigInt(canister.stable.size) * BigInt(WASM_PAGE),
    global_memory_size: module ? BigInt(module.mutableGlobals.length) * BYTES_PER_GLOBAL : 0n,
    wasm_binary_size: module ? BigInt(module.original.length) : 0n,
    custom_sections_size: module ? metadataBytes(module) : 0n,
    canister_history_size: 0n,
    wasm_chunk_store_size: BigInt(canister.chunks.hashes().length) * BigInt(MAX_CHUNK_BYTES),
    snapshots_size: 0n,
    log_memory_store_size: 0n,
  };
}

const metadataSizes = new WeakMap<CompiledModule, bigint>();

/** Bytes of the module's `icp:public …` and `icp:private …` custom sections (name and content). */
function metadataBytes(module: CompiledModule): bigint {
  let size = metadataSizes.get(module);
  if (size === undefined) {
    const bytes = module.original;
    const wasm = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
    size = BigInt(customSections(wasm).reduce((n, s) => n + (/^icp:(public|private) /.test(s.name) ? s.nameBytes + s.contentBytes : 0), 0));
    metadataSizes.set(module, size);
  }
  return size;
}

/** The custom sections of a Wasm binary (already validated when it was compiled). */
export function customSections(wasm: Uint8Array): { name: string; nameBytes: number; contentBytes: number }[] {
  const sections: { name: string; nameBytes: number; contentBytes: number }[] = [];
  let offset = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[offset++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (offset < wasm.length) {
    const id = wasm[offset++];
    const size = u32();
    const end = offset + size;
    if (id === 0) {
      const nameBytes = u32();
      const name = Buffer.from(wasm.subarray(offset, offset + nameBytes)).toString('utf8');
      sections.push({ name, nameBytes, contentBytes: end - offset - nameBytes });
    }
    offset = end;
  }
  return sections;
}
