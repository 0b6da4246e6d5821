// Canister settings besides the controllers (which live on the Canister, since execution checks them): what
// create_canister and update_settings set and canister_status reports, with the spec's defaults and bounds.
//
// The local network keeps these so canister_status answers with what a client set, but does not act on them:
// no compute or memory allocation, no freezing threshold, no reserved cycles, no minimum on incoming call cycles,
// no Wasm memory limit or low-memory hook, no environment variables for the canister (ic0.env_var_* are not
// imported), no canister logs or snapshots for log_memory_limit and the visibilities to govern. status_visibility is
// the exception: canister_status honours it. They are part of the canister's state (Canister.settings), so a network
// with a state directory keeps them across restarts (state/persistence.ts).
import type { Principal } from '@dfinity/principal';

import type { Canister } from '../canister.js';
import { Reject, RejectCode } from '../errors.js';
import type { CanisterSettings, DefiniteCanisterSettings, EnvironmentVariable, Visibility } from './types.js';

export const MAX_CONTROLLERS = 10;
/** At most this many principals in an allowed_viewers list. */
export const MAX_ALLOWED_VIEWERS = 10;

const U64_MAX = 2n ** 64n - 1n;
const U128_MAX = 2n ** 128n - 1n;
const MAX_WASM_MEMORY = 2n ** 48n;
/** The replica's cap on log_memory_limit (as icp-cli documents it). */
const MAX_LOG_MEMORY = 2n * 1024n * 1024n;

export type StoredSettings = Omit<DefiniteCanisterSettings, 'controllers'>;

/** The spec's defaults (create_canister): what a canister has until a setting is given. */
export function defaultSettings(): StoredSettings {
  return {
    compute_allocation: 0n,
    memory_allocation: 0n,
    freezing_threshold: 2_592_000n,
    reserved_cycles_limit: 5_000_000_000_000n,
    minimum_incoming_canister_call_cycles: 0n,
    log_visibility: { controllers: null },
    // Not a spec setting: the replica's, with the default ic-management-canister-types documents.
    log_memory_limit: 4096n,
    snapshot_visibility: { controllers: null },
    status_visibility: { controllers: null },
    wasm_memory_limit: 0n,
    wasm_memory_threshold: 0n,
    environment_variables: [],
  };
}

/** Refuses settings outside the spec's bounds, before anything changes. */
export function validateSettings(settings: CanisterSettings): void {
  const controllers = settings.controllers[0];
  if (controllers && controllers.length > MAX_CONTROLLERS) invalid(`at most ${MAX_CONTROLLERS} controllers are allowed`);
  bounded('compute_allocation', settings.compute_allocation[0], 100n);
  bounded('memory_allocation', settings.memory_allocation[0], U64_MAX);
  bounded('freezing_threshold', settings.freezing_threshold[0], U64_MAX);
  bounded('reserved_cycles_limit', settings.reserved_cycles_limit[0], U128_MAX);
  bounded('minimum_incoming_canister_call_cycles', settings.minimum_incoming_canister_call_cycles[0], U128_MAX);
  bounded('wasm_memory_limit', settings.wasm_memory_limit[0], MAX_WASM_MEMORY);
  bounded('wasm_memory_threshold', settings.wasm_memory_threshold[0], MAX_WASM_MEMORY);
  bounded('log_memory_limit', settings.log_memory_limit[0], MAX_LOG_MEMORY);
  viewers('log_visibility', settings.log_visibility[0]);
  viewers('snapshot_visibility', settings.snapshot_visibility[0]);
  viewers('status_visibility', settings.status_visibility[0]);
  const variables = settings.environment_variables[0];
  if (variables) {
    const names = new Set(variables.map((v) => v.name));
    if (names.size !== variables.length) invalid('environment variable names must be unique');
  }
}

/** Sets the given fields (a null field leaves its setting as it is), validating all of them first. */
export function applySettings(canister: Canister, settings: CanisterSettings): void {
  validateSettings(settings);
  const controllers = settings.controllers[0];
  if (controllers) canister.controllers = controllers;
  const current = canister.settings;
  for (const key of Object.keys(current) as (keyof StoredSettings)[]) {
    const given = (settings as Record<string, unknown[]>)[key];
    if (given?.length) (current as Record<string, unknown>)[key] = given[0];
  }
  // The replica keeps them in a map by name, so canister_status lists them in name order.
  current.environment_variables = sortByName(current.environment_variables);
}

/** Whether the canister's status_visibility lets this principal read its status (controllers and self aside). */
export function mayReadStatus(canister: Canister, caller: Principal): boolean {
  const visibility = canister.settings.status_visibility;
  if ('public' in visibility) return true;
  if ('allowed_viewers' in visibility) return visibility.allowed_viewers.some((p) => p.compareTo(caller) === 'eq');
  return false;
}

function bounded(name: string, value: bigint | undefined, max: bigint): void {
  if (value !== undefined && value > max) invalid(`${name} must be at most ${max}, got ${value}`);
}

function viewers(name: string, visibility: Visibility | undefined): void {
  if (visibility && 'allowed_viewers' in visibility && visibility.allowed_viewers.length > MAX_ALLOWED_VIEWERS) {
    invalid(`${name} allows at most ${MAX_ALLOWED_VIEWERS} viewers, got ${visibility.allowed_viewers.length}`);
  }
}

function sortByName(variables: EnvironmentVariable[]): EnvironmentVariable[] {
  return [...variables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function invalid(reason: string): never {
  throw new Reject(RejectCode.CANISTER_REJECT, `Invalid settings: ${reason}`);
}
