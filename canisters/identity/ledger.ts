// The ledger calls the identity canister makes. Glue: imports azle.
import { canisterSelf, Principal, time } from 'azle';

import { sameAccount } from '../ledger/accounts';
import { Account, TransferArgs, TransferFromArgs } from '../ledger/types';
import { type LedgerOutcome, mintingAccount, transfer, transferFrom } from '../shared/icrc_ledger';
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

// Payouts started since the canister last started. Two payouts of one amount to one account in one round (two
// slashes of equal size share time()) would be the same transfer to the ledger, which pays the second as a Duplicate
// of the first: the number in the memo keeps them apart. After an upgrade time() has moved on, so a count from 0 is safe.
let payouts = 0n;

/** Sends `amount` out of the stake subaccount; the fee, if any (a burn has none), comes out of it too. */
export async function payOut(ledger: Principal, to: Account, amount: bigint, why: string): Promise<LedgerOutcome> {
  const args: TransferArgs = {
    from_subaccount: [STAKE_SUBACCOUNT],
    to,
    amount,
    fee: [],
    memo: memo(`identity:${why}:${(payouts++).toString(36)}`),
    created_at_time: [time()],
  };
  return transfer(ledger, args);
}

/** Whether sending to `to` burns: the ledger's minting account takes no fee, so the whole amount goes. */
export async function isBurn(ledger: Principal, to: Account): Promise<{ Ok: boolean } | { Err: string }> {
  const minting = await mintingAccount(ledger);
  if ('Err' in minting) return minting;
  return { Ok: minting.Ok.length === 1 && sameAccount(minting.Ok[0], to) };
}
