// Map-backed tables and sample values for the identity canister's unit tests.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';

import { Identity, type Tables } from '../../../canisters/identity/identity';
import type { OrderedTable } from '../../../canisters/identity/tables';
import { initialSettings, NO_CHANGES } from '../../../canisters/identity/settings';

export { NO_CHANGES };
import type { Hardware, RegisterRequest, SettingsUpdate } from '../../../canisters/identity/types';

export function randomUser(): Principal {
  return Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
}

// Keys in text order, as the StableBTreeMap keeps them.
export function memoryTable<V>(): OrderedTable<V> & { map: Map<string, V> } {
  const map = new Map<string, V>();
  const keys = () => [...map.keys()].sort();
  return {
    map,
    get: (key) => map.get(key),
    insert: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
    values: () => keys().map((key) => map.get(key)!),
    items: (start, length) =>
      keys()
        .slice(start, start + length)
        .map((key) => [key, map.get(key)!]),
    len: () => map.size,
  };
}

export const HARDWARE: Hardware = { gpu_model: ['RTX 4090'], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'test rig' };

export const PROVIDER: RegisterRequest = {
  roles: [{ provider: null }],
  profile: [{ name: 'Acme GPUs', region: 'eu-west', contact: 'ops@acme.test' }],
};

export function setup(update: Partial<SettingsUpdate> = {}) {
  const admin = randomUser();
  const ledger = randomUser();
  const verification = randomUser();
  const bridge = randomUser();
  const marketplace = randomUser();
  const tables = {
    settings: memoryTable(),
    accounts: memoryTable(),
    nodes: memoryTable(),
    claimCodes: memoryTable(),
    stakes: memoryTable(),
    slashes: memoryTable(),
    reputations: memoryTable(),
    reputationHeads: memoryTable(),
    reputationChanges: memoryTable(),
    outbox: memoryTable(),
    earlierOutbox: memoryTable(),
    pendingSlashes: memoryTable(),
    counters: memoryTable(),
    unclaimed: memoryTable(),
  } as Tables;
  const settings = initialSettings(
    {
      ...NO_CHANGES,
      ledger: [ledger],
      verification: [verification],
      bridge: [bridge],
      marketplace: [marketplace],
      min_stake: [1_000n],
      unbonding_delay_ns: [100n],
      ...update,
    },
    admin,
  );
  tables.settings.insert('settings', settings);
  return { identity: new Identity(tables), tables, admin, ledger, verification, bridge, marketplace };
}

export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}
