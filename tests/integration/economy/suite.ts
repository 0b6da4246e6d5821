// Checks the economy tests share on top of deploy.ts: what the payment canister holds against what it owes.
import type { Principal } from '@dfinity/principal';
import { expect } from 'vitest';

import type { Account } from '../../../canisters/ledger/types';
import { expectConsistent } from '../ledger/fixture';
import type { Economy } from './deploy';

export * from './deploy';

/** Every account of `owner` that the ledger log mentions, summed: what the canister holds across its subaccounts. */
export async function holdings(e: Economy, owner: Principal): Promise<bigint> {
  const seen = new Map<string, Account>();
  const note = (a: Account) => {
    if (a.owner.toText() === owner.toText()) seen.set(`${a.subaccount[0] ? Buffer.from(a.subaccount[0]).toString('hex') : ''}`, a);
  };
  const { log_length } = await e.ledger.get_transactions({ start: 0n, length: 0n });
  const { transactions } = await e.ledger.get_transactions({ start: 0n, length: log_length });
  for (const tx of transactions) {
    for (const m of tx.mint) note(m.to);
    for (const t of tx.transfer) {
      note(t.from);
      note(t.to);
    }
  }
  let sum = 0n;
  for (const a of seen.values()) sum += await e.ledger.icrc1_balance_of(a);
  return sum;
}

/**
 * The money invariant across canisters: the ledger replays consistently, and the payment canister holds exactly
 * the escrows still open plus every balance it owes (nothing pending).
 */
export async function expectMoneyInvariant(e: Economy, escrowIds: bigint[], owedTo: Account[]): Promise<void> {
  let open = 0n;
  for (const id of escrowIds) {
    const [escrow] = await e.payment.escrow_of(id);
    if (escrow && ('held' in escrow.state || 'locked' in escrow.state)) open += escrow.amount;
  }
  let owed = 0n;
  for (const a of owedTo) owed += await e.payment.owed_of(a);
  expect(await e.payment.pending_transfers()).toEqual([]);
  expect(await holdings(e, e.ids.payment)).toBe(open + owed);
  await expectConsistent(e.ledger);
}
