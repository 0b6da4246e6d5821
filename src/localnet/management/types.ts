// Candid types of the management canister (aaaaa-aa) for the methods the local network implements, as the IC
// interface specification's ic.did declares them today (dfinity/developer-docs public/references/ic.did, spec
// 0.66.0, August 2026; it moved there from dfinity/portal docs/references/_attachments/ic.did). Field for field:
// a client built from that file sends and expects exactly these records. Two fields more, each marked below, are
// the replica's canister-logging fields (log_memory_limit, log_memory_store_size): ic-management-canister-types
// 0.7, which icp-cli 1.5 decodes canister_status with, requires them, while the spec's ic.did does not declare
// them; a record field more never breaks a decoder built from the spec (candid subtyping).
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** Who may see a canister's logs, snapshots or status: `log_visibility`, `snapshot_visibility`, `status_visibility`. */
export const Visibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});
export type Visibility = { controllers: null } | { public: null } | { allowed_viewers: Principal[] };
export const LogVisibility = Visibility;
export const SnapshotVisibility = Visibility;
export const StatusVisibility = Visibility;

export const EnvironmentVariable = IDL.Record({ name: IDL.Text, value: IDL.Text });
export type EnvironmentVariable = { name: string; value: string };

/** `canister_settings`: what create_canister, provisional_create_canister_with_cycles and update_settings take. */
export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  minimum_incoming_canister_call_cycles: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(LogVisibility),
  log_memory_limit: IDL.Opt(IDL.Nat), // not in the spec's ic.did (see the top of this file)
  snapshot_visibility: IDL.Opt(SnapshotVisibility),
  status_visibility: IDL.Opt(StatusVisibility),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(EnvironmentVariable)),
});
export type CanisterSettings = {
  controllers: [] | [Principal[]];
  compute_allocation: [] | [bigint];
  memory_allocation: [] | [bigint];
  freezing_threshold: [] | [bigint];
  reserved_cycles_limit: [] | [bigint];
  minimum_incoming_canister_call_cycles: [] | [bigint];
  log_visibility: [] | [Visibility];
  log_memory_limit: [] | [bigint];
  snapshot_visibility: [] | [Visibility];
  status_visibility: [] | [Visibility];
  wasm_memory_limit: [] | [bigint];
  wasm_memory_threshold: [] | [bigint];
  environment_variables: [] | [EnvironmentVariable[]];
};

/** Settings that change nothing but, optionally, the controllers (every other field null). */
export function settingsArg(controllers?: Principal[]): CanisterSettings {
  return {
    controllers: controllers ? [controllers] : [],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    minimum_incoming_canister_call_cycles: [],
    log_visibility: [],
    log_memory_limit: [],
    snapshot_visibility: [],
    status_visibility: [],
    wasm_memory_limit: [],
    wasm_memory_threshold: [],
    environment_variables: [],
  };
}

/** `definite_canister_settings`: the settings in effect, in canister_status's reply. */
export const DefiniteCanisterSettings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  minimum_incoming_canister_call_cycles: IDL.Nat,
  log_visibility: LogVisibility,
  log_memory_limit: IDL.Nat, // not in the spec's ic.did (see the top of this file)
  snapshot_visibility: SnapshotVisibility,
  status_visibility: StatusVisibility,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(EnvironmentVariable),
});
export type DefiniteCanisterSettings = {
  controllers: Principal[];
  compute_allocation: bigint;
  memory_allocation: bigint;
  freezing_threshold: bigint;
  reserved_cycles_limit: bigint;
  minimum_incoming_canister_call_cycles: bigint;
  log_visibility: Visibility;
  log_memory_limit: bigint;
  snapshot_visibility: Visibility;
  status_visibility: Visibility;
  wasm_memory_limit: bigint;
  wasm_memory_threshold: bigint;
  environment_variables: EnvironmentVariable[];
};

export const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
export type CanisterIdRecord = { canister_id: Principal };

export const CreateCanisterArgs = IDL.Record({ settings: IDL.Opt(CanisterSettings), sender_canister_version: IDL.Opt(IDL.Nat64) });
export type CreateCanisterArgs = { settings: [] | [CanisterSettings]; sender_canister_version: [] | [bigint] };

export const ProvisionalCreateArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat),
  settings: IDL.Opt(CanisterSettings),
  specified_id: IDL.Opt(IDL.Principal),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export type ProvisionalCreateArgs = {
  amount: [] | [bigint];
  settings: [] | [CanisterSettings];
  specified_id: [] | [Principal];
};

export const TopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });
export type TopUpArgs = { canister_id: Principal; amount: bigint };

export const InstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(
    IDL.Record({
      skip_pre_upgrade: IDL.Opt(IDL.Bool),
      wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
    }),
  ),
});
export type InstallMode = { install: null } | { reinstall: null } | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean] }] };

export const InstallCodeArgs = IDL.Record({
  mode: InstallMode,
  canister_id: IDL.Principal,
  wasm_module: IDL.Vec(IDL.Nat8),
  arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export type InstallCodeArgs = { mode: InstallMode; canister_id: Principal; wasm_module: Uint8Array | number[]; arg: Uint8Array | number[] };

export const UpdateSettingsArgs = IDL.Record({
  canister_id: IDL.Principal,
  settings: CanisterSettings,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export type UpdateSettingsArgs = { canister_id: Principal; settings: CanisterSettings };

export const MemoryMetrics = IDL.Record({
  wasm_memory_size: IDL.Nat,
  stable_memory_size: IDL.Nat,
  global_memory_size: IDL.Nat,
  wasm_binary_size: IDL.Nat,
  custom_sections_size: IDL.Nat,
  canister_history_size: IDL.Nat,
  wasm_chunk_store_size: IDL.Nat,
  snapshots_size: IDL.Nat,
  log_memory_store_size: IDL.Nat, // not in the spec's ic.did (see the top of this file)
});
export type MemoryMetrics = {
  wasm_memory_size: bigint;
  stable_memory_size: bigint;
  global_memory_size: bigint;
  wasm_binary_size: bigint;
  custom_sections_size: bigint;
  canister_history_size: bigint;
  wasm_chunk_store_size: bigint;
  snapshots_size: bigint;
  log_memory_store_size: bigint;
};

export const QueryStats = IDL.Record({
  num_calls_total: IDL.Nat,
  num_instructions_total: IDL.Nat,
  request_payload_bytes_total: IDL.Nat,
  response_payload_bytes_total: IDL.Nat,
});

export const CanisterStatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: DefiniteCanisterSettings,
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: MemoryMetrics,
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: QueryStats,
});
export type CanisterStatusResult = {
  status: { running: null } | { stopping: null } | { stopped: null };
  ready_for_migration: boolean;
  version: bigint;
  settings: DefiniteCanisterSettings;
  module_hash: [] | [Uint8Array];
  memory_size: bigint;
  memory_metrics: MemoryMetrics;
  cycles: bigint;
  reserved_cycles: bigint;
  idle_cycles_burned_per_day: bigint;
  query_stats: {
    num_calls_total: bigint;
    num_instructions_total: bigint;
    request_payload_bytes_total: bigint;
    response_payload_bytes_total: bigint;
  };
};

export const HttpHeader = IDL.Record({ name: IDL.Text, value: IDL.Text });
export type HttpHeader = { name: string; value: string };

export const HttpRequestResult = IDL.Record({
  status: IDL.Nat,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Vec(IDL.Nat8),
});
export type HttpRequestResult = { status: bigint; headers: HttpHeader[]; body: Uint8Array | number[] };

export const TransformArgs = IDL.Record({ response: HttpRequestResult, context: IDL.Vec(IDL.Nat8) });

export const HttpRequestArgs = IDL.Record({
  url: IDL.Text,
  max_response_bytes: IDL.Opt(IDL.Nat64),
  method: IDL.Variant({ get: IDL.Null, head: IDL.Null, post: IDL.Null, put: IDL.Null, delete: IDL.Null, patch: IDL.Null }),
  headers: IDL.Vec(HttpHeader),
  body: IDL.Opt(IDL.Vec(IDL.Nat8)),
  transform: IDL.Opt(
    IDL.Record({
      function: IDL.Func([TransformArgs], [HttpRequestResult], ['query']),
      context: IDL.Vec(IDL.Nat8),
    }),
  ),
  is_replicated: IDL.Opt(IDL.Bool),
});
export type HttpRequestArgs = {
  url: string;
  max_response_bytes: [] | [bigint];
  method: { get: null } | { head: null } | { post: null } | { put: null } | { delete: null } | { patch: null };
  headers: HttpHeader[];
  body: [] | [Uint8Array | number[]];
  transform: [] | [{ function: [Principal, string]; context: Uint8Array | number[] }];
  is_replicated: [] | [boolean];
};

export const UploadChunkArgs = IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) });
export const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });

export const InstallChunkedCodeArgs = IDL.Record({
  mode: InstallMode,
  target_canister: IDL.Principal,
  store_canister: IDL.Opt(IDL.Principal),
  chunk_hashes_list: IDL.Vec(ChunkHash),
  wasm_module_hash: IDL.Vec(IDL.Nat8),
  arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export type InstallChunkedCodeArgs = {
  mode: InstallMode;
  target_canister: Principal;
  store_canister: [] | [Principal];
  chunk_hashes_list: { hash: Uint8Array | number[] }[];
  wasm_module_hash: Uint8Array | number[];
  arg: Uint8Array | number[];
};
