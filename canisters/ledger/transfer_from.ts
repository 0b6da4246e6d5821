// icrc2_transfer_from: the caller spends from another account within the allowance it was given; the
// amount and the fee come out of both the balance and the allowance. To the minting account it burns.
import type { Principal } from '@dfinity/principal';

import { sameAccount } from './accounts';
import { allowanceOf, setAllowance } from './allowances';
import { balanceOf, burn, move } from './balances';
import { checkDedup, dedupKey, forgetExpired, remember } from './dedup';
import { ErrorCode, genericError } from './errors';
import { append } from './log';
import type { LedgerState } from './state';
import type { Account, TransferFromArgs, TransferFromResult } from './types';
import { invalidInput } from './validation';

export function transferFrom(state: LedgerState, caller: Principal, args: TransferFromArgs, now: bigint): TransferFromResult {
  const invalid = invalidInput(caller, [args.spender_subaccount], [args.from, args.to], args.memo);
  if (invalid) return { Err: invalid };
  const spender: Account = { owner: caller, subaccount: args.spender_subaccount };
  const minting = state.config.mintingAccount;
  if (minting !== undefined && sameAccount(args.from, minting)) {
    return { Err: genericError(ErrorCode.mintingAccountMisuse, 'the minting account cannot be drawn from: mint with icrc1_transfer') };
  }
  const isBurn = minting !== undefined && sameAccount(args.to, minting);

  const fee = isBurn ? 0n : state.config.fee;
  if (args.fee.length === 1 && args.fee[0] !== fee) return { Err: { BadFee: { expected_fee: fee } } };

  forgetExpired(state, now);
  const key = dedupKey('transfer_from', caller, args);
  const dedupError = checkDedup(state, key, args.created_at_time, now);
  if (dedupError) return { Err: dedupError };

  if (isBurn && args.amount < state.config.fee) return { Err: { BadBurn: { min_burn_amount: state.config.fee } } };
  const cost = args.amount + fee;
  // Spending from one's own account needs no allowance (ICRC-2's postconditions exempt it).
  const ownAccount = sameAccount(args.from, spender);
  const allowance = allowanceOf(state, args.from, spender, now);
  if (!ownAccount && allowance.allowance < cost) return { Err: { InsufficientAllowance: { allowance: allowance.allowance } } };
  const balance = balanceOf(state, args.from);
  if (balance < cost) return { Err: { InsufficientFunds: { balance } } };

  if (!ownAccount) setAllowance(state, args.from, spender, { amount: allowance.allowance - cost, expires_at: allowance.expires_at });
  const { from, to, amount, memo, created_at_time } = args;
  let index: bigint;
  if (isBurn) {
    burn(state, from, amount);
    index = append(state, {
      kind: 'burn',
      mint: [],
      burn: [{ from, spender: [spender], amount, memo, created_at_time }],
      transfer: [],
      approve: [],
      timestamp: now,
    });
  } else {
    burn(state, from, fee);
    move(state, from, to, amount);
    index = append(state, {
      kind: 'transfer',
      mint: [],
      burn: [],
      transfer: [{ from, to, spender: [spender], amount, fee: [fee], memo, created_at_time }],
      approve: [],
      timestamp: now,
    });
  }
  remember(state, key, created_at_time, index);
  return { Ok: index };
}
