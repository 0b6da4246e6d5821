// Checks the economy tests share on top of deploy.ts: what the payment canister holds against what it owes.
import type { Account } from '../../../canisters/ledger/types';
import { expectPaymentInvariant } from '../payment/invariant';
import type { Economy } from './deploy';

export * from './deploy';

/**
 * The money invariant across canisters: the ledger replays consistently, and the payment canister holds exactly
 * the escrows still open plus every balance it owes (nothing pending).
 */
export const expectMoneyInvariant = (e: Economy, escrowIds: bigint[], owedTo: Account[]): Promise<void> =>
  expectPaymentInvariant(e.ledger, e.payment, e.ids.payment, escrowIds, owedTo);
