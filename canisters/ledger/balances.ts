// Balances and the total supply. Only mint and burn change the supply, each together with one balance,
// so the supply equals the sum of the balances by construction.
import { accountKey } from './accounts';
import type { LedgerState } from './state';
import type { Account } from './types';

export function balanceOf(state: LedgerState, account: Account): bigint {
  return state.balances.get(accountKey(account)) ?? 0n;
}

export function totalSupply(state: LedgerState): bigint {
  return state.counters.get('supply') ?? 0n;
}

/** Moves amount between two accounts; the caller has checked the balance. */
export function move(state: LedgerState, from: Account, to: Account, amount: bigint): void {
  debit(state, from, amount);
  credit(state, to, amount);
}

export function mint(state: LedgerState, to: Account, amount: bigint): void {
  credit(state, to, amount);
  state.counters.insert('supply', totalSupply(state) + amount);
}

export function burn(state: LedgerState, from: Account, amount: bigint): void {
  debit(state, from, amount);
  state.counters.insert('supply', totalSupply(state) - amount);
}

function credit(state: LedgerState, account: Account, amount: bigint): void {
  if (amount === 0n) return;
  state.balances.insert(accountKey(account), balanceOf(state, account) + amount);
}

function debit(state: LedgerState, account: Account, amount: bigint): void {
  const balance = balanceOf(state, account);
  // The operations check funds before they debit: reaching this is a bug, so the message traps.
  if (balance < amount) throw new Error(`ledger invariant broken: debit of ${amount} from a balance of ${balance}`);
  if (balance === amount) state.balances.remove(accountKey(account));
  else state.balances.insert(accountKey(account), balance - amount);
}
