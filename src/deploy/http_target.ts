// The deploy target over the IC's HTTP interface, as dfx and icp-cli deploy: ingress calls to the management
// canister (aaaaa-aa) signed by the deployer, each naming its effective canister id, and read_state for module hashes.
import { Actor, type ActorSubclass, Cbor, Certificate, type HttpAgent, LookupPathStatus, lookupResultToBuffer } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';

import {
  CanisterIdRecord,
  type CanisterSettings,
  ChunkHash,
  InstallChunkedCodeArgs,
  InstallCodeArgs,
  type InstallMode as CandidMode,
  ProvisionalCreateArgs,
  settingsArg,
  UpdateSettingsArgs,
  UploadChunkArgs,
} from '../localnet/management/types.js';
import type { DeployTarget, InstallMode } from './target.js';

/**
 * Above this many bytes of module and argument an install goes in chunks: an ingress message is at most 2 MiB
 * (envelope included), and an Azle canister's Wasm is about 3.5 MB.
 */
export const MAX_DIRECT_INSTALL_BYTES = 1_900_000;
/** upload_chunk takes at most 1 MiB. */
export const CHUNK_BYTES = 1024 * 1024;

type Settings = CanisterSettings;
const settings = (controllers?: Principal[]): Settings => settingsArg(controllers);

type Management = {
  provisional_create_canister_with_cycles(arg: {
    amount: [] | [bigint];
    settings: [] | [Settings];
    specified_id: [];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
  update_settings(arg: { canister_id: Principal; settings: Settings; sender_canister_version: [] }): Promise<void>;
  install_code(arg: {
    mode: CandidMode;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
  upload_chunk(arg: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array | number[] }>;
  clear_chunk_store(arg: { canister_id: Principal }): Promise<void>;
  install_chunked_code(arg: {
    mode: CandidMode;
    target_canister: Principal;
    store_canister: [];
    chunk_hashes_list: { hash: Uint8Array }[];
    wasm_module_hash: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
};

// The methods used here, with the interface specification's candid (src/localnet/management/types.ts).
const managementIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    provisional_create_canister_with_cycles: IDL.Func([ProvisionalCreateArgs], [CanisterIdRecord], []),
    update_settings: IDL.Func([UpdateSettingsArgs], [], []),
    install_code: IDL.Func([InstallCodeArgs], [], []),
    upload_chunk: IDL.Func([UploadChunkArgs], [ChunkHash], []),
    clear_chunk_store: IDL.Func([CanisterIdRecord], [], []),
    install_chunked_code: IDL.Func([InstallChunkedCodeArgs], [], []),
  });

/** The management canister, each call addressed to the canister it is about (its effective canister id). */
function management(agent: HttpAgent): ActorSubclass<Management> {
  return Actor.createActor<Management>(managementIdl, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId: Principal.managementCanister(),
    callTransform: (_method, args) => {
      const first = args[0] as { canister_id?: Principal; target_canister?: Principal } | undefined;
      const target = first?.canister_id ?? first?.target_canister;
      return target ? { effectiveCanisterId: target } : {};
    },
  });
}

export type HttpTargetOptions = {
  /** The network's name or URL, for messages. */
  name: string;
  /**
   * Whether the network offers provisional_create_canister_with_cycles (a local or test network). Mainnet does
   * not: there canisters are paid for with cycles, so they must exist already and `cannotCreate` says how.
   */
  provisional: boolean;
  /** Cycles for each created canister (the network's default when absent). */
  cycles?: bigint;
  cannotCreate?: string;
};

export function httpTarget(agent: HttpAgent, options: HttpTargetOptions): DeployTarget {
  const ic = management(agent);
  const mode = (m: InstallMode): CandidMode => (m === 'install' ? { install: null } : { upgrade: [] });
  return {
    name: options.name,
    cannotCreate: options.cannotCreate,
    createCanister: options.provisional
      ? async () =>
          (
            await ic.provisional_create_canister_with_cycles({
              amount: options.cycles === undefined ? [] : [options.cycles],
              settings: [],
              specified_id: [],
              sender_canister_version: [],
            })
          ).canister_id
      : undefined,
    async canister(id) {
      // One certified read of /canister/<id>/{module_hash,controllers} (the spec's state tree), as icp-cli does.
      const path = (leaf: string) => [new TextEncoder().encode('canister'), id.toUint8Array(), new TextEncoder().encode(leaf)];
      const { certificate } = await agent.readState(id, { paths: [path('module_hash'), path('controllers')] });
      if (agent.rootKey === null) throw new Error(`no root key for ${options.name}`);
      const cert = await Certificate.create({ certificate, rootKey: agent.rootKey, canisterId: id, agent });
      const found = (leaf: string) => {
        const result = cert.lookup_path(path(leaf));
        return result.status === LookupPathStatus.Found ? lookupResultToBuffer(result) : undefined;
      };
      // Every canister has a controllers entry (maybe an empty list); none means there is no such canister.
      const controllers = found('controllers');
      if (controllers === undefined) return null;
      const moduleHash = found('module_hash');
      return {
        moduleHash: moduleHash ? Uint8Array.from(moduleHash) : null,
        controllers: Cbor.decode<Uint8Array[]>(controllers).map((c) => Principal.fromUint8Array(c)),
      };
    },
    setControllers: (id, controllers) =>
      ic.update_settings({ canister_id: id, settings: settings(controllers), sender_canister_version: [] }),
    async install(id, wasm, arg, how) {
      if (wasm.length + arg.length <= MAX_DIRECT_INSTALL_BYTES) {
        return ic.install_code({ mode: mode(how), canister_id: id, wasm_module: wasm, arg, sender_canister_version: [] });
      }
      // Chunks left by an interrupted run would count against the store's limit.
      await ic.clear_chunk_store({ canister_id: id });
      const hashes: { hash: Uint8Array }[] = [];
      for (let at = 0; at < wasm.length; at += CHUNK_BYTES) {
        const { hash } = await ic.upload_chunk({ canister_id: id, chunk: wasm.subarray(at, at + CHUNK_BYTES) });
        hashes.push({ hash: Uint8Array.from(hash) });
      }
      await ic.install_chunked_code({
        mode: mode(how),
        target_canister: id,
        store_canister: [],
        chunk_hashes_list: hashes,
        wasm_module_hash: sha256(wasm),
        arg,
        sender_canister_version: [],
      });
      // The chunk store holds memory the canister pays for.
      await ic.clear_chunk_store({ canister_id: id });
    },
    actor: <T>(idl: IDL.InterfaceFactory, canisterId: Principal) => Actor.createActor<T>(idl, { agent, canisterId }) as T,
  };
}
