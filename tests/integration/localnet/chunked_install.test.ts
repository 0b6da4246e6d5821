// Chunked code installation, as dfx does for large modules: upload_chunk, stored_chunks,
// install_chunked_code, clear_chunk_store, each only for controllers.
import { IDL } from '@dfinity/candid';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork, MANAGEMENT_CANISTER } from '../../../src/localnet/index.js';
import { CanisterIdRecord, ChunkHash, InstallChunkedCodeArgs, UploadChunkArgs } from '../../../src/localnet/management/types.js';
import { decode, encode, idlFactory, PROBE_WASM, type ProbeService, randomUser, rejection } from './probe.js';

const CHUNK = 1024 * 1024;

describe('chunked installation', () => {
  let network: LocalNetwork;
  let wasm: Uint8Array;
  const owner = randomUser();

  const manage = (method: string, type: IDL.Type, value: unknown, sender = owner) =>
    network.updateCall({ canisterId: MANAGEMENT_CANISTER, method, arg: encode([type], [value]), sender });

  beforeAll(async () => {
    network = await LocalNetwork.create();
    wasm = new Uint8Array(await readFile(PROBE_WASM));
  });
  afterAll(() => network.stop());

  it('installs a module uploaded in 1 MiB chunks, which then answers calls', async () => {
    const canisterId = await network.createCanister({ sender: owner });
    const hashes: Uint8Array[] = [];
    for (let at = 0; at < wasm.length; at += CHUNK) {
      const reply = await manage('upload_chunk', UploadChunkArgs, { canister_id: canisterId, chunk: wasm.subarray(at, at + CHUNK) });
      hashes.push(Uint8Array.from((decode([ChunkHash], reply)[0] as { hash: number[] }).hash));
    }
    expect(hashes.length).toBe(Math.ceil(wasm.length / CHUNK));
    const stored = decode([IDL.Vec(ChunkHash)], await manage('stored_chunks', CanisterIdRecord, { canister_id: canisterId }))[0] as {
      hash: Uint8Array;
    }[];
    expect(stored.map((c) => Buffer.from(c.hash).toString('hex')).sort()).toEqual(hashes.map((h) => Buffer.from(h).toString('hex')).sort());

    await manage('install_chunked_code', InstallChunkedCodeArgs, {
      mode: { install: null },
      target_canister: canisterId,
      store_canister: [],
      chunk_hashes_list: hashes.map((hash) => ({ hash })),
      wasm_module_hash: sha256(wasm),
      arg: encode([], []),
      sender_canister_version: [],
    });
    const actor = network.createActor<ProbeService>(idlFactory, canisterId);
    expect(await actor.increment()).toBe(1n);
    expect((await network.canisterStatus(canisterId, owner)).module_hash).toEqual([sha256(wasm)]);

    await manage('clear_chunk_store', CanisterIdRecord, { canister_id: canisterId });
    expect(decode([IDL.Vec(ChunkHash)], await manage('stored_chunks', CanisterIdRecord, { canister_id: canisterId }))[0]).toEqual([]);
  });

  it('refuses chunks in the wrong order, over 1 MiB, or from a non-controller', async () => {
    const canisterId = await network.createCanister({ sender: owner });
    const hashOf = async (chunk: Uint8Array) =>
      Uint8Array.from(
        (decode([ChunkHash], await manage('upload_chunk', UploadChunkArgs, { canister_id: canisterId, chunk }))[0] as { hash: number[] })
          .hash,
      );
    const hashes: Uint8Array[] = [];
    for (let at = 0; at < wasm.length; at += CHUNK) hashes.push(await hashOf(wasm.subarray(at, at + CHUNK)));
    const mismatch = await rejection(
      manage('install_chunked_code', InstallChunkedCodeArgs, {
        mode: { install: null },
        target_canister: canisterId,
        store_canister: [],
        chunk_hashes_list: [...hashes].reverse().map((hash) => ({ hash })),
        wasm_module_hash: sha256(wasm),
        arg: encode([], []),
        sender_canister_version: [],
      }),
    );
    expect(mismatch.code).toBe(4);
    expect(mismatch.message).toContain('does not match wasm_module_hash');
    expect((await network.canisterStatus(canisterId, owner)).module_hash).toEqual([]);

    const tooBig = await rejection(manage('upload_chunk', UploadChunkArgs, { canister_id: canisterId, chunk: new Uint8Array(CHUNK + 1) }));
    expect(tooBig.message).toContain('exceeds the maximum chunk size');

    const stranger = await rejection(
      manage('upload_chunk', UploadChunkArgs, { canister_id: canisterId, chunk: wasm.subarray(0, CHUNK) }, randomUser()),
    );
    expect(stranger).toMatchObject({ code: 5, errorCode: 'IC0512' });
  });
});
