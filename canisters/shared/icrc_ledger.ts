// Calls to an ICRC-1/ICRC-2 ledger from a canister (the payment and identity canisters use it).
// Glue: imports azle.
import { call, IDL, Principal } from 'azle';

import { TransferArgs, TransferFromArgs, TransferFromResult, TransferResult } from '../ledger/types';

/** What a ledger call ended with: its block, or why it failed, in words for the caller. */
export type LedgerOutcome = { Ok: bigint } | { Err: string };

export async function ledgerFee(ledger: Principal): Promise<LedgerOutcome> {
  return attempt(() => call<[], bigint>(ledger, 'icrc1_fee', { returnIdlType: IDL.Nat }).then((value) => ({ Ok: value })));
}

export async function transferFrom(ledger: Principal, args: TransferFromArgs): Promise<LedgerOutcome> {
  return attempt(() =>
    call<[TransferFromArgs], TransferFromResult>(ledger, 'icrc2_transfer_from', {
      paramIdlTypes: [TransferFromArgs],
      returnIdlType: TransferFromResult,
      args: [args],
    }).then(described),
  );
}

export async function transfer(ledger: Principal, args: TransferArgs): Promise<LedgerOutcome> {
  return attempt(() =>
    call<[TransferArgs], TransferResult>(ledger, 'icrc1_transfer', {
      paramIdlTypes: [TransferArgs],
      returnIdlType: TransferResult,
      args: [args],
    }).then(described),
  );
}

// Duplicate means the same transfer (same created_at_time and memo) already landed: that is success.
function described(result: { Ok: bigint } | { Err: object }): LedgerOutcome {
  if ('Ok' in result) return result;
  const err = result.Err as { Duplicate?: { duplicate_of: bigint } };
  if (err.Duplicate !== undefined) return { Ok: err.Duplicate.duplicate_of };
  return { Err: JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) };
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
