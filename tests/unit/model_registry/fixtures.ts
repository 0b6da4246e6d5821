// Map-backed stores and sample requests for the registry's unit tests.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';

import type { Model, ModelId } from '../../../canisters/shared/models';
import { decodeEntry, encodeEntry } from '../../../canisters/model_registry/catalog';
import { Registry, type ModelStore, type SettingsStore } from '../../../canisters/model_registry/registry';
import type { PublishRequest, SearchFilter, Settings } from '../../../canisters/model_registry/types';

export function randomUser(): Principal {
  return Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
}

// Entries go through their byte encoding, as in stable memory.
export function memoryModels(): ModelStore & { map: Map<ModelId, Model> } {
  const map = new Map<ModelId, Model>();
  const entries = new Map<ModelId, Uint8Array>();
  return {
    map,
    get: (id) => map.get(id),
    add(model, entry) {
      map.set(model.id, model);
      entries.set(model.id, encodeEntry(entry));
    },
    replace: (model) => void map.set(model.id, model),
    count: () => BigInt(map.size),
    entries: () => [...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, bytes]) => decodeEntry(id, bytes)),
  };
}

export function memorySettings(initial: Settings): SettingsStore {
  let current = initial;
  return { get: () => current, put: (settings) => void (current = settings) };
}

export function request(overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    name: 'llama-tiny',
    version: '1.0.0',
    task: { text_generation: null },
    format: { gguf: null },
    sha256: new Uint8Array(32).fill(7),
    size_bytes: 1_000_000n,
    license: 'apache-2.0',
    royalty_bps: 500,
    access: { public: null },
    ...overrides,
  };
}

export const ANY: SearchFilter = { task: [], format: [], creator: [], name_contains: [] };

export function setup(capBps = 1_000) {
  const admin = randomUser();
  const models = memoryModels();
  const settings = memorySettings({ admin, royalty_cap_bps: capBps });
  return { admin, models, settings, registry: new Registry(models, settings) };
}
