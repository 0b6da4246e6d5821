// Saves and restores the whole local network in a state directory: for each canister its module,
// heap, mutable globals, stable memory, controllers, settings, cycles, timer and certified data. The network
// owns only network.json and the canisters folder there; others keep their own files beside them
// (the dev Internet Identity its users, npm start the deployer's key), and a save leaves those alone.
// The state holds the network's root secret and keys, so it is the owner's alone: the folder and every folder in it
// 0700, every file 0600, and a start or save narrows what it finds wider.
import { Principal } from '@dfinity/principal';
import { chmodSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile as writeAnyFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Canister, CanisterStatus } from '../canister.js';
import { StableMemory, WASM_PAGE } from '../host/stable_memory.js';
import { defaultSettings, type StoredSettings } from '../management/settings.js';
import type { Visibility } from '../management/types.js';
import type { Scheduler } from '../scheduler.js';
import { compileModule } from '../wasm/module_cache.js';

const FORMAT = 1;

/** The modes of everything under a state directory: only its owner reads or writes it. */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

const writeFile = (path: string, data: string | Uint8Array) => writeAnyFile(path, data, { mode: FILE_MODE });

/** Creates the state directory (and parents) owner-only. */
export async function makeStateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
}

/**
 * Narrows the modes under a state directory to the owner's (0700 folders, 0600 files): what an older version wrote
 * with the default modes, or anything copied in.
 */
export function secureStateDir(dir: string): void {
  if (!existsSync(dir)) return;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== DIR_MODE) chmodSync(path, DIR_MODE);
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (stat.isFile() && (stat.mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
  };
  visit(dir);
}

type NetworkMeta = { format: number; time: string; nextCanisterIndex: string; subnetSize: number; rootSecretKey: string };

/** What the network keeps besides its canisters. */
export type NetworkState = { nextCanisterIndex: bigint; rootSecretKey: Uint8Array };

type CanisterMeta = {
  id: string;
  controllers: string[];
  /**
   * The settings besides the controllers, as settingsJson writes them. Absent in folders saved before settings were
   * kept (and a setting absent from it, in folders saved before that setting existed): those are the spec's defaults.
   */
  settings?: Record<string, unknown>;
  cycles: string;
  status: CanisterStatus;
  version: string;
  globalTimer: string;
  certifiedData: string;
  stablePages: number;
  /** Mutable global values; i64 ones as bigint strings ending in 'n'. */
  globals: string[];
  hasModule: boolean;
};

const NETWORK = 'network.json';
const CANISTERS = 'canisters';
// A save writes these beside the saved state, then renames them into place.
const NEW_NETWORK = 'network.json.new';
const NEW_CANISTERS = 'canisters.new';
// The previous canisters folder, moved aside while the new one is moved in. That it exists means
// both new parts were complete: a save interrupted after that point is finished, not undone.
const OLD_CANISTERS = 'canisters.old';

/** Whether the directory holds a saved network (after finishing or undoing a save a crash interrupted). */
export function hasState(dir: string): boolean {
  recover(dir);
  return existsSync(join(dir, NETWORK));
}

/**
 * Brings a save that was interrupted to an end: forward when the old canisters folder had been moved
 * aside (the new parts are whole), else back to the state before it, dropping the half-written parts.
 */
function recover(dir: string): void {
  const at = (name: string) => join(dir, name);
  if (existsSync(at(OLD_CANISTERS))) {
    if (existsSync(at(NEW_CANISTERS))) renameSync(at(NEW_CANISTERS), at(CANISTERS));
    if (existsSync(at(NEW_NETWORK))) renameSync(at(NEW_NETWORK), at(NETWORK));
    rmSync(at(OLD_CANISTERS), { recursive: true, force: true });
  } else {
    rmSync(at(NEW_CANISTERS), { recursive: true, force: true });
    rmSync(at(NEW_NETWORK), { force: true });
  }
}

/**
 * Replaces network.json and the canisters folder, so that a crash at any point leaves either the
 * previous state or this one (recover settles which): both are written under new names first, then
 * renamed into place, network.json last.
 */
export async function saveState(dir: string, scheduler: Scheduler, state: NetworkState): Promise<void> {
  const at = (name: string) => join(dir, name);
  await makeStateDir(dir);
  recover(dir);
  await mkdir(at(NEW_CANISTERS), { mode: DIR_MODE });
  const meta: NetworkMeta = {
    format: FORMAT,
    time: scheduler.time.toString(),
    nextCanisterIndex: state.nextCanisterIndex.toString(),
    subnetSize: scheduler.options.subnetSize,
    rootSecretKey: Buffer.from(state.rootSecretKey).toString('hex'),
  };
  for (const canister of scheduler.canisters.values()) await saveCanister(join(at(NEW_CANISTERS), canister.id.toText()), canister);
  await writeFile(at(NEW_NETWORK), JSON.stringify(meta, null, 2));
  // A first save has no canisters folder to move aside; an empty one marks the point of no return all the same.
  if (existsSync(at(CANISTERS))) await rename(at(CANISTERS), at(OLD_CANISTERS));
  else await mkdir(at(OLD_CANISTERS), { mode: DIR_MODE });
  await rename(at(NEW_CANISTERS), at(CANISTERS));
  await rename(at(NEW_NETWORK), at(NETWORK));
  await rm(at(OLD_CANISTERS), { recursive: true, force: true });
  secureStateDir(dir);
}

async function saveCanister(dir: string, canister: Canister): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const snapshot = canister.instance?.snapshot();
  const meta: CanisterMeta = {
    id: canister.id.toText(),
    controllers: canister.controllers.map((c) => c.toText()),
    settings: settingsJson(canister.settings),
    cycles: canister.cycles.toString(),
    status: canister.status,
    version: canister.version.toString(),
    globalTimer: canister.globalTimer.toString(),
    certifiedData: Buffer.from(canister.certifiedData).toString('hex'),
    stablePages: canister.stable.size,
    globals: (snapshot?.globals ?? []).map((g) => (typeof g === 'bigint' ? `${g}n` : String(g))),
    hasModule: !!snapshot,
  };
  await writeFile(join(dir, 'canister.json'), JSON.stringify(meta, null, 2));
  if (snapshot) {
    await writeFile(join(dir, 'module.wasm'), canister.module!.original);
    await writeFile(join(dir, 'heap.bin'), snapshot.heap);
  }
  // Stable memory is sparse: store only the pages that were ever written, each after its index.
  const parts: Uint8Array[] = [];
  for (const [index, page] of canister.stable.entries()) {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(index);
    parts.push(header, page);
  }
  await writeFile(join(dir, 'stable.bin'), Buffer.concat(parts));
}

export async function loadState(dir: string, scheduler: Scheduler): Promise<NetworkState> {
  secureStateDir(dir);
  const meta = JSON.parse(await readFile(join(dir, NETWORK), 'utf8')) as NetworkMeta;
  if (meta.format !== FORMAT) throw new Error(`state directory ${dir} has format ${meta.format}, expected ${FORMAT}`);
  scheduler.time = BigInt(meta.time);
  const root = join(dir, CANISTERS);
  for (const name of await readdir(root)) await loadCanister(join(root, name), scheduler);
  return { nextCanisterIndex: BigInt(meta.nextCanisterIndex), rootSecretKey: new Uint8Array(Buffer.from(meta.rootSecretKey, 'hex')) };
}

async function loadCanister(dir: string, scheduler: Scheduler): Promise<void> {
  const meta = JSON.parse(await readFile(join(dir, 'canister.json'), 'utf8')) as CanisterMeta;
  const canister = scheduler.newCanister(
    Principal.fromText(meta.id),
    meta.controllers.map((c) => Principal.fromText(c)),
    BigInt(meta.cycles),
  );
  canister.settings = settingsFromJson(meta.settings, meta.id);
  canister.status = meta.status;
  canister.version = BigInt(meta.version);
  canister.globalTimer = BigInt(meta.globalTimer);
  canister.certifiedData = new Uint8Array(Buffer.from(meta.certifiedData, 'hex'));
  const stable = await readFile(join(dir, 'stable.bin'));
  const pages: [number, Uint8Array][] = [];
  for (let at = 0; at < stable.length; at += 4 + WASM_PAGE) {
    pages.push([stable.readUInt32LE(at), new Uint8Array(stable.subarray(at + 4, at + 4 + WASM_PAGE))]);
  }
  canister.stable = StableMemory.restore(meta.stablePages, pages);
  if (meta.hasModule) {
    const instance = canister.instantiate(compileModule(new Uint8Array(await readFile(join(dir, 'module.wasm')))));
    const globals = meta.globals.map((g) => (g.endsWith('n') ? BigInt(g.slice(0, -1)) : Number(g)));
    instance.restore(new Uint8Array(await readFile(join(dir, 'heap.bin'))), globals);
    canister.instance = instance;
  }
}

/** How one setting goes into canister.json and back: nats as decimal strings, principals as text. */
type Codec<T> = { save(value: T): unknown; load(json: unknown): T };

const nat: Codec<bigint> = {
  save: (value) => value.toString(),
  load: (json) => {
    if (typeof json !== 'string' || !/^\d+$/.test(json)) throw new Error(`not a nat: ${JSON.stringify(json)}`);
    return BigInt(json);
  },
};

const visibility: Codec<Visibility> = {
  save: (value) => ('allowed_viewers' in value ? { allowed_viewers: value.allowed_viewers.map((p) => p.toText()) } : value),
  load: (json) => {
    const value = json as Record<string, unknown> | null;
    if (value && 'controllers' in value) return { controllers: null };
    if (value && 'public' in value) return { public: null };
    if (value && Array.isArray(value.allowed_viewers)) {
      return { allowed_viewers: value.allowed_viewers.map((p) => Principal.fromText(String(p))) };
    }
    throw new Error(`not a visibility: ${JSON.stringify(json)}`);
  },
};

const environment: Codec<StoredSettings['environment_variables']> = {
  save: (value) => value.map(({ name, value }) => ({ name, value })),
  load: (json) => {
    if (!Array.isArray(json)) throw new Error(`not a list of environment variables: ${JSON.stringify(json)}`);
    return json.map((v: { name?: unknown; value?: unknown }) => {
      if (typeof v?.name !== 'string' || typeof v.value !== 'string') throw new Error(`not an environment variable: ${JSON.stringify(v)}`);
      return { name: v.name, value: v.value };
    });
  },
};

/** Every stored setting's codec: a setting added to StoredSettings without one here does not compile. */
const SETTINGS: { [K in keyof StoredSettings]: Codec<StoredSettings[K]> } = {
  compute_allocation: nat,
  memory_allocation: nat,
  freezing_threshold: nat,
  reserved_cycles_limit: nat,
  minimum_incoming_canister_call_cycles: nat,
  log_visibility: visibility,
  log_memory_limit: nat,
  snapshot_visibility: visibility,
  status_visibility: visibility,
  wasm_memory_limit: nat,
  wasm_memory_threshold: nat,
  environment_variables: environment,
};

function settingsJson(settings: StoredSettings): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as (keyof StoredSettings)[]) {
    json[key] = (SETTINGS[key] as Codec<unknown>).save(settings[key]);
  }
  return json;
}

/** The saved settings over the spec's defaults, so that what an older save lacks comes back as the default. */
function settingsFromJson(json: Record<string, unknown> | undefined, canisterId: string): StoredSettings {
  const settings = defaultSettings();
  if (json === undefined) return settings;
  for (const key of Object.keys(SETTINGS) as (keyof StoredSettings)[]) {
    if (json[key] === undefined) continue;
    try {
      (settings as Record<string, unknown>)[key] = (SETTINGS[key] as Codec<unknown>).load(json[key]);
    } catch (error) {
      throw new Error(`canister ${canisterId}: saved setting ${key}: ${(error as Error).message}`);
    }
  }
  return settings;
}
