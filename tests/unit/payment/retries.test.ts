import { describe, expect, it } from 'vitest';

import type { TransferArgs } from '../../../canisters/ledger/types';
import { DEDUP_WINDOW_NS, insideDedupWindow } from '../../../canisters/payment/retries';
import { account } from './fixtures';

const leg = (created_at_time: [] | [bigint]): TransferArgs => ({
  from_subaccount: [],
  to: account(),
  amount: 1n,
  fee: [],
  memo: [],
  created_at_time,
});

describe('which pending legs the timer sends again', () => {
  it('sends a leg until its created_at_time is a whole window old, and never after', () => {
    expect(insideDedupWindow(leg([1_000n]), 1_000n)).toBe(true);
    expect(insideDedupWindow(leg([1_000n]), 1_000n + DEDUP_WINDOW_NS - 1n)).toBe(true);
    expect(insideDedupWindow(leg([1_000n]), 1_000n + DEDUP_WINDOW_NS)).toBe(false);
  });

  it('never sends a leg without created_at_time, which the ledger could not deduplicate', () => {
    expect(insideDedupWindow(leg([]), 0n)).toBe(false);
  });
});
