// The payment canister's state in stable memory. Keys are ASCII (account keys, hex); amounts are decimal digits,
// records are written field by field (codecs.ts): azle's default JSON, and Candid after it, cost millions of
// instructions per access, and every job writes an escrow, credits and history entries. The small settings record
// keeps azle's JSON.
import { StableBTreeMap } from 'azle';

import type { TransferArgs } from '../ledger/types';
import { stableCell } from '../shared/stable_cell';
import { asciiText, decimal, u64Key } from '../shared/stable_codecs';
import { escrowCodec, historyEntryCodec, transferArgsCodec } from './codecs';
import { MEMORY } from './memory';
import type { PaymentStores } from './payment';
import type { Settings } from './settings';
import type { Store } from './store';
import type { Escrow, HistoryEntry } from './types';

function store<K, V>(map: StableBTreeMap<K, V>): Store<K, V> & { map: StableBTreeMap<K, V> } {
  return { map, get: (key) => map.get(key), set: (key, value) => map.insert(key, value), delete: (key) => map.remove(key) };
}

export const stableSettings = stableCell<string, Settings>(new StableBTreeMap<string, Settings>(MEMORY.settings), 'settings', 'payment');
export const counters = new StableBTreeMap<string, bigint>(MEMORY.counters, asciiText, decimal);

export const stableStores: PaymentStores = {
  escrows: store(new StableBTreeMap<bigint, Escrow>(MEMORY.escrows, u64Key, escrowCodec)),
  deposits: store(new StableBTreeMap<bigint, Escrow>(MEMORY.deposits, u64Key, escrowCodec)),
  owed: store(new StableBTreeMap<string, bigint>(MEMORY.owed, asciiText, decimal)),
  historyCounts: store(new StableBTreeMap<string, bigint>(MEMORY.history_counts, asciiText, decimal)),
  auditRewards: store(new StableBTreeMap<bigint, bigint>(MEMORY.audit_rewards, u64Key, decimal)),
  historyEntries: store(new StableBTreeMap<string, HistoryEntry>(MEMORY.history_entries, asciiText, historyEntryCodec)),
};

// Ledger transfers committed but not yet known to have landed (a rejected or failed call): retried with the same
// created_at_time and memo, so the ledger deduplicates them.
export const pendingTransfers = new StableBTreeMap<string, TransferArgs>(MEMORY.pending, asciiText, transferArgsCodec);
