// Input checks shared by transfer, transfer_from and approve; a failure is a GenericError that changes nothing.
import type { Principal } from '@dfinity/principal';

import { validSubaccount } from './accounts';
import { ErrorCode, genericError } from './errors';
import type { Account, GenericError, Opt } from './types';

/** As icrc1:max_memo_length in the metadata says. */
export const MAX_MEMO_LENGTH = 32;

export function invalidInput(
  caller: Principal,
  subaccounts: Opt<Uint8Array>[],
  accounts: Account[],
  memo: Opt<Uint8Array>,
): GenericError | undefined {
  // ICRC-1 lets the anonymous principal own an account, but DESIGN.md forbids anonymous state changes.
  if (caller.isAnonymous()) return genericError(ErrorCode.anonymousCaller, 'anonymous callers cannot change state: sign the call');
  if (![...subaccounts, ...accounts.map((account) => account.subaccount)].every(validSubaccount)) {
    return genericError(ErrorCode.invalidAccount, 'a subaccount must be 32 bytes');
  }
  if (memo.length === 1 && memo[0].length > MAX_MEMO_LENGTH) {
    return genericError(ErrorCode.memoTooLong, `the memo is longer than ${MAX_MEMO_LENGTH} bytes`);
  }
  return undefined;
}
