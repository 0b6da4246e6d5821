// The ledger calls the identity canister makes. Glue: imports azle.
import { canisterSelf, Principal, time } from 'azle';

import { Account, TransferArgs, TransferFromArgs } from '../ledger/types';
import { type LedgerOutcome, transfer, transferFrom } from '../shared/icrc_ledger';
import { STAKE_SUBACCOUNT } from './stake';

export const stakeAccount = (): Account => ({ owner: canisterSelf(), subaccount: [STAKE_SUBACCOUNT] });

const memo = (text: string): [Uint8Array] => [new TextEncoder().encode(text)];

/** Pulls `amount` from the provider's account into the stake subaccount; the provider pays the fee. */
export async function pullStake(ledger: Principal, provider: Principal, amount: bigint): Promise<LedgerOutcome> {
  const args: TransferFromArgs = {
    spender_subaccount: [],
    from: { owner: provider, subaccount: [] },
    to: stakeAccount(),
    amount,
    fee: [],
    memo: memo('identity:stake'),
    created_at_time: [time()],
  };
  return transferFrom(ledger, args);
}

/** Sends `amount` out of the stake subaccount; the fee comes out of it. */
export async function payOut(ledger: Principal, to: Account, amount: bigint, why: string): Promise<LedgerOutcome> {
  const args: TransferArgs = {
    from_subaccount: [STAKE_SUBACCOUNT],
    to,
    amount,
    fee: [],
    memo: memo(`identity:${why}`),
    created_at_time: [time()],
  };
  return transfer(ledger, args);
}
