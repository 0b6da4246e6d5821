// The ledger for integration tests: everything in client.ts, and the invariant check that replays the log
// against balance_of and total_supply.
import { expect } from 'vitest';

import { accountKey } from '../../../canisters/ledger/accounts';
import * as T from '../../../canisters/ledger/types';
import type { LedgerService } from './client';

export * from './client';

/** Replays the whole log and checks that it gives every balance, and that the supply is their sum. */
export async function expectConsistent(ledger: Pick<LedgerService, 'get_transactions' | 'icrc1_balance_of' | 'icrc1_total_supply'>) {
  const balances = new Map<string, { account: T.Account; balance: bigint }>();
  const add = (who: T.Account, delta: bigint) => {
    const entry = balances.get(accountKey(who)) ?? { account: who, balance: 0n };
    balances.set(accountKey(who), { account: who, balance: entry.balance + delta });
  };
  const { log_length } = await ledger.get_transactions({ start: 0n, length: 0n });
  for (let start = 0n; start < log_length; start += 1000n) {
    for (const tx of (await ledger.get_transactions({ start, length: 1000n })).transactions) {
      for (const mint of tx.mint) add(mint.to, mint.amount);
      for (const burn of tx.burn) add(burn.from, -burn.amount);
      for (const transfer of tx.transfer) {
        add(transfer.from, -transfer.amount - (transfer.fee[0] ?? 0n));
        add(transfer.to, transfer.amount);
      }
      for (const approve of tx.approve) add(approve.from, -(approve.fee[0] ?? 0n));
    }
  }
  let sum = 0n;
  for (const { account: who, balance } of balances.values()) {
    expect(balance >= 0n).toBe(true);
    expect(await ledger.icrc1_balance_of(who)).toBe(balance);
    sum += balance;
  }
  expect(await ledger.icrc1_total_supply()).toBe(sum);
}
