// The ledger calls the identity canister makes. Glue: imports azle.
import { call, canisterSelf, IDL, Principal, time } from 'azle';

import { Account, TransferArgs, TransferFromArgs, TransferFromResult, TransferResult } from '../ledger/types';
import { STAKE_SUBACCOUNT } from './stake';

export const stakeAccount = (): Account => ({ owner: canisterSelf(), subaccount: [STAKE_SUBACCOUNT] });

const memo = (text: string): [Uint8Array] => [new TextEncoder().encode(text)];

/** What a ledger call ended with: its block, or why it failed, already in words for the caller. */
export type LedgerOutcome = { Ok: bigint } | { Err: string };

export async function fee(ledger: Principal): Promise<LedgerOutcome> {
  return attempt(() => call<[], bigint>(ledger, 'icrc1_fee', { returnIdlType: IDL.Nat }).then((value) => ({ Ok: value })));
}

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
  return attempt(() =>
    call<[TransferFromArgs], TransferFromResult>(ledger, 'icrc2_transfer_from', {
      paramIdlTypes: [TransferFromArgs],
      returnIdlType: TransferFromResult,
      args: [args],
    }).then(described),
  );
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
  return attempt(() =>
    call<[TransferArgs], TransferResult>(ledger, 'icrc1_transfer', {
      paramIdlTypes: [TransferArgs],
      returnIdlType: TransferResult,
      args: [args],
    }).then(described),
  );
}

function described(result: { Ok: bigint } | { Err: object }): LedgerOutcome {
  return 'Ok' in result ? result : { Err: JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) };
}

// A rejected or failed call is an expected outcome the caller must undo, not a trap.
async function attempt(run: () => Promise<LedgerOutcome>): Promise<LedgerOutcome> {
  try {
    return await run();
  } catch (error) {
    const e = error as { type?: string; rejectMessage?: string };
    return { Err: `ledger call failed: ${e.type ?? 'error'} ${e.rejectMessage ?? String(error)}` };
  }
}
