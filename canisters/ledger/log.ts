// The transaction log: every accepted mint, burn, transfer and approve, in order, read in pages.
import type { LedgerState } from './state';
import type { GetTransactionsRequest, GetTransactionsResponse, Transaction } from './types';

/** Keeps a page well inside the reply size and query instruction limits. */
export const MAX_PAGE = 1000n;

export function append(state: LedgerState, transaction: Transaction): bigint {
  const index = BigInt(state.log.len());
  state.log.insert(index, transaction);
  return index;
}

export function page(state: LedgerState, { start, length }: GetTransactionsRequest): GetTransactionsResponse {
  const logLength = BigInt(state.log.len());
  const end = [start + length, start + MAX_PAGE, logLength].reduce((a, b) => (a < b ? a : b));
  const transactions: Transaction[] = [];
  for (let index = start; index < end; index++) transactions.push(state.log.get(index)!);
  return { log_length: logLength, first_index: start, transactions };
}
