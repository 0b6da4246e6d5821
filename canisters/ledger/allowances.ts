// Allowances of ICRC-2: how much a spender account may still draw from an account, and until when.
import { accountKey } from './accounts';
import type { AllowanceEntry, LedgerState } from './state';
import type { Account, Allowance } from './types';

function allowanceKey(account: Account, spender: Account): string {
  return `${accountKey(account)}>${accountKey(spender)}`;
}

/** The live allowance: an expired one reads as none, as ICRC-2 asks. */
export function allowanceOf(state: LedgerState, account: Account, spender: Account, now: bigint): Allowance {
  const entry = state.allowances.get(allowanceKey(account, spender));
  if (entry === undefined || (entry.expires_at.length === 1 && entry.expires_at[0] <= now)) return { allowance: 0n, expires_at: [] };
  return { allowance: entry.amount, expires_at: entry.expires_at };
}

export function setAllowance(state: LedgerState, account: Account, spender: Account, entry: AllowanceEntry): void {
  if (entry.amount === 0n) state.allowances.remove(allowanceKey(account, spender));
  else state.allowances.insert(allowanceKey(account, spender), entry);
}
