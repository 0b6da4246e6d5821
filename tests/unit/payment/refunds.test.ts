import { describe, expect, it } from 'vitest';

import { DEFAULT_SPLIT } from '../../../canisters/payment/config';
import { refund, refundShare, type RefundPlan } from '../../../canisters/payment/refunds';
import { account, ok, seeded } from './fixtures';

const payees = { providers: [account()], creator: account(), treasury: account() };

// What leaves the escrow: the refund leg (its fee inside it) and the settlement's credits and sweep fee.
function outputs(plan: RefundPlan): bigint {
  const settled = plan.settlement ? plan.settlement.credits.reduce((sum, credit) => sum + credit.amount, plan.settlement.fee) : 0n;
  return plan.refund + settled;
}

describe('refund share', () => {
  it('is everything for no match, failure and timeout, and the offer’s share for a missed SLA', () => {
    expect(refundShare({ no_match: null })).toBe(10_000);
    expect(refundShare({ failed: null })).toBe(10_000);
    expect(refundShare({ timed_out: null })).toBe(10_000);
    expect(refundShare({ sla_missed: { refund_bps: 2_500 } })).toBe(2_500);
  });
});

describe('refund plan', () => {
  it('refunds everything in one leg whose fee the consumer pays', () => {
    expect(ok(refund(1_000n, 10n, 10_000, DEFAULT_SPLIT, payees))).toEqual({ refund: 1_000n, fee: 10n, settlement: undefined });
  });

  it('refunds an SLA share and settles the rest, each leg paying its own fee', () => {
    const plan = ok(refund(10_000n, 10n, 2_500, DEFAULT_SPLIT, payees));
    expect(plan.refund).toBe(2_500n);
    expect(plan.fee).toBe(10n);
    expect(plan.settlement?.sweep).toBe(7_500n);
    expect(plan.settlement?.credits[0]).toEqual({ account: payees.providers[0], role: { provider: null }, amount: 5_992n });
    expect(outputs(plan)).toBe(10_000n);
  });

  it('gives the consumer a settlement too small to pay its fee, and settles a refund too small to pay its own', () => {
    // 9000 bps of 100 leaves 10 to settle, which cannot pay a fee of 10: all 100 go back.
    expect(ok(refund(100n, 10n, 9_000, DEFAULT_SPLIT, payees))).toEqual({ refund: 100n, fee: 10n, settlement: undefined });
    // 500 bps of 100 is 5, below the fee: nothing is refunded and no refund fee is paid.
    const settledOnly = ok(refund(100n, 10n, 500, DEFAULT_SPLIT, payees));
    expect(settledOnly.refund).toBe(0n);
    expect(settledOnly.fee).toBe(0n);
    expect(settledOnly.settlement?.sweep).toBe(100n);
  });

  it('refunds nothing for a zero share and refuses an escrow that cannot pay a fee', () => {
    expect(ok(refund(1_000n, 10n, 0, DEFAULT_SPLIT, payees)).settlement?.sweep).toBe(1_000n);
    expect(refund(5n, 5n, 10_000, DEFAULT_SPLIT, payees)).toEqual({ Err: { FeeTooHigh: { fee: 5n, amount: 5n } } });
  });

  it('refuses an SLA share outside 0 to 10000 bps, which would refund more than the escrow', () => {
    expect(refund(1_000n, 10n, 10_001, DEFAULT_SPLIT, payees)).toEqual({
      Err: { InvalidInput: 'refund_bps: must be an integer from 0 to 10000, got 10001' },
    });
  });

  it('never creates or loses a unit, and never pays out a non-positive leg (seeded)', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const random = seeded(seed);
      const fee = random.big(1_000n);
      const amount = fee + 1n + random.big(seed % 2 === 0 ? 5_000n : 10n ** 15n);
      const plan = ok(refund(amount, fee, random.int(10_001), DEFAULT_SPLIT, payees));
      expect(outputs(plan), `seed ${seed}`).toBe(amount);
      if (plan.refund > 0n) expect(plan.refund > plan.fee, `seed ${seed}`).toBe(true);
      if (plan.settlement) expect(plan.refund + plan.settlement.sweep, `seed ${seed}`).toBe(amount);
    }
  });
});
