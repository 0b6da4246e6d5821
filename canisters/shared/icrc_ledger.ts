// Calls to an ICRC-1/ICRC-2 ledger from a canister (the payment and identity canisters use it).
// Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Account, TransferArgs, TransferFromArgs, TransferFromResult, TransferResult } from '../ledger/types';
import { callPeer, describe, type CallOutcome } from './peer_call';

/**
 * What a ledger call ended with: its block, or why it failed, in words for the caller. `refused` names the ledger's
 * error when the ledger itself answered: then this transfer surely did not happen (a failed call leaves it unknown).
 */
export type LedgerOutcome = { Ok: bigint } | { Err: string; refused?: string };

export async function ledgerFee(ledger: Principal): Promise<LedgerOutcome> {
  return callPeer<bigint>('ledger', ledger, 'icrc1_fee', [], IDL.Nat, []);
}

/** The ledger's minting account (none: it has none): a transfer there is a burn, which pays no fee. */
export async function mintingAccount(ledger: Principal): Promise<CallOutcome<[] | [Account]>> {
  return callPeer<[] | [Account]>('ledger', ledger, 'icrc1_minting_account', [], IDL.Opt(Account), []);
}

export async function transferFrom(ledger: Principal, args: TransferFromArgs): Promise<LedgerOutcome> {
  return described(
    await callPeer<TransferFromResult>('ledger', ledger, 'icrc2_transfer_from', [TransferFromArgs], TransferFromResult, [args]),
  );
}

export async function transfer(ledger: Principal, args: TransferArgs): Promise<LedgerOutcome> {
  return described(await callPeer<TransferResult>('ledger', ledger, 'icrc1_transfer', [TransferArgs], TransferResult, [args]));
}

// Duplicate means the same transfer (same created_at_time and memo) already landed: that is success.
function described(outcome: CallOutcome<{ Ok: bigint } | { Err: object }>): LedgerOutcome {
  if ('Err' in outcome) return outcome;
  const result = outcome.Ok;
  if ('Ok' in result) return result;
  const err = result.Err as { Duplicate?: { duplicate_of: bigint } };
  if (err.Duplicate !== undefined) return { Ok: err.Duplicate.duplicate_of };
  return { Err: describe(result.Err), refused: Object.keys(result.Err)[0] };
}
