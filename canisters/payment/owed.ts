// Balances owed to providers, model creators and the treasury, paid out by withdrawal. A withdrawal debits
// the balance before the glue awaits the ledger transfer and re-credits exactly that amount if the transfer
// fails, so two withdrawals in flight can never pay out more than is owed.
import { accountKey } from '../ledger/accounts';
import type { Account } from '../ledger/types';
import type { Store } from './store';
import type { Result } from './types';

// amount is debited from the balance; the ledger fee comes out of it, so `to` receives amount - fee.
export type Withdrawal = { from: Account; to: Account; amount: bigint; fee: bigint };

export class Owed {
  constructor(private readonly balances: Store<string, bigint>) {}

  owed(account: Account): bigint {
    return this.balances.get(accountKey(account)) ?? 0n;
  }

  credit(account: Account, amount: bigint): void {
    if (amount < 0n) throw new RangeError(`negative credit: ${amount}`);
    if (amount > 0n) this.balances.set(accountKey(account), this.owed(account) + amount);
  }

  /** Moves `amount` of what `from` is owed to each of `to`, all or nothing. */
  move(from: Account, to: Account[], amount: bigint): Result<null> {
    const total = amount * BigInt(to.length);
    const owed = this.owed(from);
    if (total > owed) return { Err: { InsufficientOwed: { owed } } };
    this.balances.set(accountKey(from), owed - total);
    for (const account of to) this.credit(account, amount);
    return { Ok: null };
  }

  /** Debits `amount` for a transfer to `to`; it must exceed the fee so the payout is positive. */
  beginWithdrawal(from: Account, to: Account, amount: bigint, fee: bigint): Result<Withdrawal> {
    if (amount <= fee) return { Err: { BelowMinimum: { minimum: fee + 1n } } };
    const owed = this.owed(from);
    if (amount > owed) return { Err: { InsufficientOwed: { owed } } };
    const left = owed - amount;
    if (left === 0n) this.balances.delete(accountKey(from));
    else this.balances.set(accountKey(from), left);
    return { Ok: { from, to, amount, fee } };
  }

  /** Puts back what a failed withdrawal debited. */
  withdrawalFailed(withdrawal: Withdrawal): void {
    this.credit(withdrawal.from, withdrawal.amount);
  }
}
