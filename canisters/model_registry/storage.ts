// The registry's state in stable memory, behind the interfaces the pure rules use.
import { StableBTreeMap } from 'azle';

import { PushOutbox } from '../shared/push_outbox';
import { asciiText, decimal, rawBytes, u64Key } from '../shared/stable_codecs';
import { MAX_PUSH } from '../marketplace/types';
import type { Principal } from '@dfinity/principal';
import type { Model, ModelId } from '../shared/models';
import { decodeEntry, encodeEntry, type Entry } from './catalog';
import { MEMORY } from './memory';
import type { ModelStore, SettingsStore } from './registry';
import type { Settings } from './types';

// Values use azle's JSON, which round-trips bigint, Principal and Uint8Array.
const models = new StableBTreeMap<ModelId, Model>(MEMORY.models, u64Key);
const settings = new StableBTreeMap<'settings', Settings>(MEMORY.settings);
// decodeEntry needs the id, which is the key: the map holds the bytes and storage pairs them up.
const catalog = new StableBTreeMap<ModelId, Uint8Array>(MEMORY.catalog, u64Key, rawBytes);

// Every job's submission reads its model, and decoding one from azle's JSON costs tens of millions of
// instructions, so models read once stay on the heap (written through; rebuilt lazily after an upgrade).
const heapModels = new Map<ModelId, Model>();

export const stableModels: ModelStore = {
  get(id: ModelId): Model | undefined {
    let model = heapModels.get(id);
    if (model === undefined && (model = models.get(id)) !== undefined) heapModels.set(id, model);
    return model;
  },
  add(model: Model, entry: Entry): void {
    models.insert(model.id, model);
    heapModels.set(model.id, model);
    catalog.insert(model.id, encodeEntry(entry));
  },
  replace(model: Model): void {
    models.insert(model.id, model);
    heapModels.set(model.id, model);
  },
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

// Which marketplace hears of changed models; apart from Settings, whose record clients already read.
const peers = new StableBTreeMap<'marketplace', Principal>(MEMORY.marketplace);

export const stableMarketplace = {
  get: (): Principal | undefined => peers.get('marketplace'),
  put(marketplace: Principal | undefined): void {
    if (marketplace === undefined) peers.remove('marketplace');
    else peers.insert('marketplace', marketplace);
  },
};

/** Models whose access changed, by id, until the marketplace takes them (models_changed takes MAX_PUSH at a time). */
export const changedModels = new PushOutbox(new StableBTreeMap<string, bigint>(MEMORY.changed_models, asciiText, decimal), MAX_PUSH);
