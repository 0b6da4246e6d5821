// icrc2_approve: sets (not adds to) the allowance of a spender on the caller's account, for a fee.
import type { Principal } from '@dfinity/principal';

import { sameAccount } from './accounts';
import { allowanceOf, setAllowance } from './allowances';
import { balanceOf, burn } from './balances';
import { checkDedup, dedupKey, forgetExpired, remember } from './dedup';
import { ErrorCode, genericError } from './errors';
import { append } from './log';
import type { LedgerState } from './state';
import type { Account, ApproveArgs, ApproveResult } from './types';
import { invalidInput } from './validation';

export function approve(state: LedgerState, caller: Principal, args: ApproveArgs, now: bigint): ApproveResult {
  const invalid = invalidInput(caller, [args.from_subaccount], [args.spender], args.memo);
  if (invalid) return { Err: invalid };
  const from: Account = { owner: caller, subaccount: args.from_subaccount };
  const minting = state.config.mintingAccount;
  if (minting !== undefined && sameAccount(from, minting)) {
    return { Err: genericError(ErrorCode.mintingAccountMisuse, 'the minting account cannot approve: mints are transfers from it') };
  }
  // ICRC-2: the ledger SHOULD refuse an approval whose spender is owned by the caller.
  if (args.spender.owner.compareTo(caller) === 'eq')
    return { Err: genericError(ErrorCode.selfApproval, 'a principal cannot approve itself') };

  const fee = state.config.fee;
  if (args.fee.length === 1 && args.fee[0] !== fee) return { Err: { BadFee: { expected_fee: fee } } };

  forgetExpired(state, now);
  const key = dedupKey('approve', caller, args);
  const dedupError = checkDedup(state, key, args.created_at_time, now);
  if (dedupError) return { Err: dedupError };

  if (args.expires_at.length === 1 && args.expires_at[0] <= now) return { Err: { Expired: { ledger_time: now } } };
  const balance = balanceOf(state, from);
  if (balance < fee) return { Err: { InsufficientFunds: { balance } } };
  const current = allowanceOf(state, from, args.spender, now).allowance;
  if (args.expected_allowance.length === 1 && args.expected_allowance[0] !== current) {
    return { Err: { AllowanceChanged: { current_allowance: current } } };
  }

  burn(state, from, fee);
  setAllowance(state, from, args.spender, { amount: args.amount, expires_at: args.expires_at });
  const { spender, amount, expected_allowance, expires_at, memo, created_at_time } = args;
  const index = append(state, {
    kind: 'approve',
    mint: [],
    burn: [],
    transfer: [],
    approve: [{ from, spender, amount, expected_allowance, expires_at, fee: [fee], memo, created_at_time }],
    timestamp: now,
  });
  remember(state, key, created_at_time, index);
  return { Ok: index };
}
