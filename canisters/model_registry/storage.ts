// The registry's state in stable memory, behind the interfaces the pure rules use.
import { StableBTreeMap } from 'azle';

import type { Model, ModelId } from '../shared/models';
import { decodeEntry, encodeEntry, type Entry } from './catalog';
import { MEMORY } from './memory';
import type { ModelStore, SettingsStore } from './registry';
import type { Settings } from './types';

// Keys sort by their bytes, so ids are stored big-endian to keep the map in publishing order
// (azle's default JSON keys would put 10 before 9).
const idKey = {
  toBytes(id: ModelId): Uint8Array {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, id);
    return bytes;
  },
  fromBytes(bytes: Uint8Array): ModelId {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0);
  },
};

// Values use azle's JSON, which round-trips bigint, Principal and Uint8Array.
const models = new StableBTreeMap<ModelId, Model>(MEMORY.models, idKey);
const settings = new StableBTreeMap<'settings', Settings>(MEMORY.settings);
// decodeEntry needs the id, which is the key: the map holds the bytes and storage pairs them up.
const catalog = new StableBTreeMap<ModelId, Uint8Array>(MEMORY.catalog, idKey, { toBytes: (bytes) => bytes, fromBytes: (bytes) => bytes });

export const stableModels: ModelStore = {
  get: (id) => models.get(id),
  add(model: Model, entry: Entry): void {
    models.insert(model.id, model);
    catalog.insert(model.id, encodeEntry(entry));
  },
  replace: (model) => void models.insert(model.id, model),
  count: () => BigInt(models.len()),
  entries: () => catalog.items().map(([id, bytes]) => decodeEntry(id, bytes)),
};

export const stableSettings: SettingsStore = {
  get(): Settings {
    const value = settings.get('settings');
    // init writes the settings before any method runs, so their absence means the canister is broken.
    if (value === undefined) throw new Error('model_registry: settings missing from stable memory');
    return value;
  },
  put: (value) => void settings.insert('settings', value),
};
