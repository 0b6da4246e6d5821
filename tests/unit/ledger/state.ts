// An in-memory ledger state for the pure rules: plain Maps in place of the canister's StableBTreeMaps.
import { Principal } from '@dfinity/principal';

import type { LedgerConfig, LedgerState, Table } from '../../../canisters/ledger/state';
import type { Account, ApproveArgs, TransferArgs, TransferFromArgs } from '../../../canisters/ledger/types';

class MapTable<K, V> implements Table<K, V> {
  readonly map = new Map<K, V>();
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  insert(key: K, value: V): void {
    this.map.set(key, value);
  }
  remove(key: K): void {
    this.map.delete(key);
  }
  len(): number {
    return this.map.size;
  }
}

export const FEE = 10n;
export const NOW = 1_700_000_000_000_000_000n;

export function user(n: number): Principal {
  return Principal.fromUint8Array(new Uint8Array([n, 1, 2, 3]));
}

export function account(owner: Principal, sub?: number): Account {
  return { owner, subaccount: sub === undefined ? [] : [new Uint8Array(32).fill(sub)] };
}

export const MINTER = account(user(200));

export function newState(config: Partial<LedgerConfig> = {}): LedgerState & { balances: MapTable<string, bigint> } {
  return {
    config: { name: 'Test', symbol: 'TST', decimals: 8, fee: FEE, mintingAccount: MINTER, ...config },
    balances: new MapTable(),
    allowances: new MapTable(),
    log: new MapTable(),
    dedup: new MapTable(),
    dedupByIndex: new MapTable(),
    counters: new MapTable(),
  };
}

/** Arguments with nothing optional set, unless extra says otherwise. */
export function transferArgs(to: Account, amount: bigint, extra: Partial<TransferArgs> = {}): TransferArgs {
  return { from_subaccount: [], to, amount, fee: [], memo: [], created_at_time: [], ...extra };
}

export function approveArgs(spender: Account, amount: bigint, extra: Partial<ApproveArgs> = {}): ApproveArgs {
  return { from_subaccount: [], spender, amount, expected_allowance: [], expires_at: [], fee: [], memo: [], created_at_time: [], ...extra };
}

export function transferFromArgs(from: Account, to: Account, amount: bigint, extra: Partial<TransferFromArgs> = {}): TransferFromArgs {
  return { spender_subaccount: [], from, to, amount, fee: [], memo: [], created_at_time: [], ...extra };
}

export function sumOfBalances(state: ReturnType<typeof newState>): bigint {
  return [...state.balances.map.values()].reduce((a, b) => a + b, 0n);
}
