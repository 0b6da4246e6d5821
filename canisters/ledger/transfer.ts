// icrc1_transfer: a transfer from the caller's account; from the minting account it mints and to the
// minting account it burns, both without a fee (a burn must be at least the fee, ICRC-1's min burn).
import type { Principal } from '@dfinity/principal';

import { sameAccount } from './accounts';
import { balanceOf, burn, mint, move } from './balances';
import { checkDedup, dedupKey, forgetExpired, remember } from './dedup';
import { ErrorCode, genericError } from './errors';
import { append } from './log';
import type { LedgerState } from './state';
import type { Account, TransferArgs, TransferResult } from './types';
import { invalidInput } from './validation';

export function transfer(state: LedgerState, caller: Principal, args: TransferArgs, now: bigint): TransferResult {
  const invalid = invalidInput(caller, [args.from_subaccount], [args.to], args.memo);
  if (invalid) return { Err: invalid };
  const from: Account = { owner: caller, subaccount: args.from_subaccount };
  const minting = state.config.mintingAccount;
  const isMint = minting !== undefined && sameAccount(from, minting);
  const isBurn = minting !== undefined && sameAccount(args.to, minting);
  if (isMint && isBurn) return { Err: genericError(ErrorCode.mintingAccountMisuse, 'the minting account cannot transfer to itself') };

  const expectedFee = isMint || isBurn ? 0n : state.config.fee;
  if (args.fee.length === 1 && args.fee[0] !== expectedFee) return { Err: { BadFee: { expected_fee: expectedFee } } };

  forgetExpired(state, now);
  const key = dedupKey('transfer', caller, args);
  const dedupError = checkDedup(state, key, args.created_at_time, now);
  if (dedupError) return { Err: dedupError };

  if (isBurn && args.amount < state.config.fee) return { Err: { BadBurn: { min_burn_amount: state.config.fee } } };
  const balance = balanceOf(state, from);
  if (!isMint && balance < args.amount + expectedFee) return { Err: { InsufficientFunds: { balance } } };

  const { memo, created_at_time, amount } = args;
  let index: bigint;
  if (isMint) {
    mint(state, args.to, amount);
    index = append(state, {
      kind: 'mint',
      mint: [{ to: args.to, amount, memo, created_at_time }],
      burn: [],
      transfer: [],
      approve: [],
      timestamp: now,
    });
  } else if (isBurn) {
    burn(state, from, amount);
    index = append(state, {
      kind: 'burn',
      mint: [],
      burn: [{ from, spender: [], amount, memo, created_at_time }],
      transfer: [],
      approve: [],
      timestamp: now,
    });
  } else {
    burn(state, from, expectedFee);
    move(state, from, args.to, amount);
    index = append(state, {
      kind: 'transfer',
      mint: [],
      burn: [],
      transfer: [{ from, to: args.to, spender: [], amount, fee: [expectedFee], memo, created_at_time }],
      approve: [],
      timestamp: now,
    });
  }
  remember(state, key, created_at_time, index);
  return { Ok: index };
}
