// The management canister calls governance makes as a controller of the suite: an upgrade from the Wasm uploaded to
// governance in chunks (upload_chunk into the target's chunk store, then install_chunked_code, which installs only
// when the chunks hash to the proposal's wasm_sha256), and the controller change of the hand-over. Glue: imports azle.
// The system hashes the module, not governance: sha256 over a 3.5 MB module in the canister's JS engine took more
// than the 40 billion instructions one message may use (measured on the local network), while the management
// canister checks it natively at install.
import { Principal } from 'azle';
import {
  chunk_hash,
  clear_chunk_store_args,
  install_chunked_code_args,
  update_settings_args,
  upload_chunk_args,
} from 'azle/canisters/management/idl';

import { callPeer, callPeerNoReply } from '../shared/peer_call';
import type { Outcome } from './targets';
import type { Upgrade } from './types';
import { hex } from '../shared/hex';

const MANAGEMENT = Principal.fromText('aaaaa-aa');

/** Installs `chunks` (in order, each at most 1 MiB) on the upgrade's canister, keeping its stable memory. */
export async function installUpgrade(upgrade: Upgrade, chunks: Uint8Array[]): Promise<Outcome> {
  const target = upgrade.canister;
  const cleared = await callPeerNoReply('management', MANAGEMENT, 'clear_chunk_store', [clear_chunk_store_args], [{ canister_id: target }]);
  if ('Err' in cleared) return cleared;
  const hashes: { hash: Uint8Array }[] = [];
  for (const chunk of chunks) {
    const stored = await callPeer<{ hash: Uint8Array }>('management', MANAGEMENT, 'upload_chunk', [upload_chunk_args], chunk_hash, [
      { canister_id: target, chunk },
    ]);
    if ('Err' in stored) return stored;
    hashes.push(stored.Ok);
  }
  const installed = await callPeerNoReply(
    'management',
    MANAGEMENT,
    'install_chunked_code',
    [install_chunked_code_args],
    [
      {
        mode: { upgrade: [] },
        target_canister: target,
        store_canister: [],
        chunk_hashes_list: hashes,
        wasm_module_hash: upgrade.wasm_sha256,
        arg: upgrade.arg,
        sender_canister_version: [],
      },
    ],
  );
  if ('Err' in installed) return installed;
  await callPeerNoReply('management', MANAGEMENT, 'clear_chunk_store', [clear_chunk_store_args], [{ canister_id: target }]);
  return { Ok: `upgraded ${target.toText()} to ${hex(upgrade.wasm_sha256)}` };
}

/** Makes `controllers` the only controllers of `canister`. */
export async function setControllers(canister: Principal, controllers: Principal[]): Promise<Outcome> {
  const settings = {
    controllers: [controllers],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    log_visibility: [],
    wasm_memory_limit: [],
  };
  const set = await callPeerNoReply(
    'management',
    MANAGEMENT,
    'update_settings',
    [update_settings_args],
    [{ canister_id: canister, settings, sender_canister_version: [] }],
  );
  return 'Err' in set ? set : { Ok: `${canister.toText()} is controlled by ${controllers.map((c) => c.toText()).join(', ')}` };
}
