// The payment canister's money invariant, checked against the real ledger: it holds exactly the escrows and dispute
// deposits still open plus every balance it owes, with no transfer left pending, and the ledger's log replays to its balances.
import type { Principal } from '@dfinity/principal';
import { expect } from 'vitest';

import { accountKey } from '../../../canisters/ledger/accounts';
import type { Account } from '../../../canisters/ledger/types';
import type { LedgerService } from '../ledger/client';
import { expectConsistent } from '../ledger/fixture';
import type { PaymentService } from './client';

type Ledger = Pick<LedgerService, 'get_transactions' | 'icrc1_balance_of' | 'icrc1_total_supply'>;

/** The sum over every account of `owner` that the ledger's log mentions: what it holds across its subaccounts. */
export async function holdings(ledger: Ledger, owner: Principal): Promise<bigint> {
  const seen = new Map<string, Account>();
  const note = (a: Account) => {
    if (a.owner.toText() === owner.toText()) seen.set(accountKey(a), a);
  };
  const { log_length } = await ledger.get_transactions({ start: 0n, length: 0n });
  const { transactions } = await ledger.get_transactions({ start: 0n, length: log_length });
  for (const tx of transactions) {
    for (const m of tx.mint) note(m.to);
    for (const t of tx.transfer) {
      note(t.from);
      note(t.to);
    }
  }
  let sum = 0n;
  for (const a of seen.values()) sum += await ledger.icrc1_balance_of(a);
  return sum;
}

export async function expectPaymentInvariant(
  ledger: Ledger,
  payment: Pick<PaymentService, 'escrow_of' | 'deposit_of' | 'owed_of' | 'pending_transfers'>,
  paymentId: Principal,
  escrowIds: bigint[],
  owedTo: Account[],
): Promise<void> {
  let open = 0n;
  for (const id of escrowIds) {
    for (const [escrow] of [await payment.escrow_of(id), await payment.deposit_of(id)])
      if (escrow && ('held' in escrow.state || 'locked' in escrow.state)) open += escrow.amount;
  }
  let owed = 0n;
  for (const a of owedTo) owed += await payment.owed_of(a);
  expect(await payment.pending_transfers()).toEqual([]);
  expect(await holdings(ledger, paymentId)).toBe(open + owed);
  await expectConsistent(ledger);
}
