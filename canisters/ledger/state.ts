// What the ledger's rules read and write, as narrow table interfaces: the canister backs them with
// StableBTreeMaps (see memory.ts), unit tests with plain Maps.
import type { Account, Opt, Transaction } from './types';

/** The part of StableBTreeMap's interface the rules use. */
export interface Table<K, V> {
  get(key: K): V | undefined;
  insert(key: K, value: V): unknown;
  remove(key: K): unknown;
  len(): number;
}

export type LedgerConfig = {
  name: string;
  symbol: string;
  decimals: number;
  fee: bigint;
  /** Absent when the ledger was installed without an init argument: then nobody can mint. */
  mintingAccount: Account | undefined;
};

export type AllowanceEntry = { amount: bigint; expires_at: Opt<bigint> };

export type LedgerState = {
  config: LedgerConfig;
  /** accountKey -> balance; accounts at zero are removed. */
  balances: Table<string, bigint>;
  /** allowanceKey(from, spender) -> allowance; zero allowances are removed. */
  allowances: Table<string, AllowanceEntry>;
  /** transaction index -> transaction. */
  log: Table<bigint, Transaction>;
  /** dedup key -> index of the transaction that used it, while it is inside the window. */
  dedup: Table<string, bigint>;
  /** transaction index -> its dedup key, so keys are forgotten in log order once out of the window. */
  dedupByIndex: Table<bigint, string>;
  /** 'supply', and 'dedupCursor' and 'forgetFrom' for forgetting dedup keys (see dedup.ts). */
  counters: Table<string, bigint>;
};
