// The transaction log's pages.
import { describe, expect, it } from 'vitest';

import { MAX_PAGE, page } from '../../../canisters/ledger/log';
import { transfer } from '../../../canisters/ledger/transfer';
import { account, MINTER, newState, NOW, transferArgs, user } from './state';

describe('get_transactions', () => {
  it('pages through the log and clips at its end and at the page limit', () => {
    const state = newState();
    for (let i = 1; i <= 5; i++) transfer(state, MINTER.owner, transferArgs(account(user(1)), BigInt(i)), NOW);
    const middle = page(state, { start: 1n, length: 2n });
    expect(middle.log_length).toBe(5n);
    expect(middle.first_index).toBe(1n);
    expect(middle.transactions.map((tx) => tx.mint[0]!.amount)).toEqual([2n, 3n]);
    expect(page(state, { start: 3n, length: 100n }).transactions).toHaveLength(2);
    expect(page(state, { start: 9n, length: 1n }).transactions).toHaveLength(0);
    expect(MAX_PAGE).toBe(1000n);
  });
});
