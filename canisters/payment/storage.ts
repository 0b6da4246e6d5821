// The payment canister's state in stable memory. Values use azle's JSON, which round-trips bigint, Principal and Uint8Array.
import { StableBTreeMap } from 'azle';

import type { TransferArgs } from '../ledger/types';
import { MEMORY } from './memory';
import type { PaymentStores } from './payment';
import type { Settings } from './settings';
import type { Store } from './store';
import type { Escrow, HistoryEntry } from './types';

function store<K, V>(map: StableBTreeMap<K, V>): Store<K, V> & { map: StableBTreeMap<K, V> } {
  return { map, get: (key) => map.get(key), set: (key, value) => map.insert(key, value), delete: (key) => map.remove(key) };
}

export const settingsTable = new StableBTreeMap<string, Settings>(MEMORY.settings);
export const counters = new StableBTreeMap<string, bigint>(MEMORY.counters);

export const stableStores: PaymentStores = {
  escrows: store(new StableBTreeMap<bigint, Escrow>(MEMORY.escrows)),
  owed: store(new StableBTreeMap<string, bigint>(MEMORY.owed)),
  historyCounts: store(new StableBTreeMap<string, bigint>(MEMORY.history_counts)),
  historyEntries: store(new StableBTreeMap<string, HistoryEntry>(MEMORY.history_entries)),
};

// Ledger transfers committed but not yet known to have landed (a rejected or failed call): retried with the same
// created_at_time and memo, so the ledger deduplicates them.
export const pendingTransfers = new StableBTreeMap<string, TransferArgs>(MEMORY.pending);
