// GenericError codes: the standard leaves them to the ledger, so each kind of invalid input has its own.
import type { GenericError } from './types';

export const ErrorCode = {
  anonymousCaller: 1n,
  invalidAccount: 2n,
  memoTooLong: 3n,
  mintingAccountMisuse: 4n,
  selfApproval: 5n,
} as const;

export function genericError(error_code: bigint, message: string): GenericError {
  return { GenericError: { error_code, message } };
}
