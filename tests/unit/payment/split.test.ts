import { describe, expect, it } from 'vitest';

import { DEFAULT_SPLIT } from '../../../canisters/payment/config';
import { settle, withRoyalty, type Settlement } from '../../../canisters/payment/split';
import type { Split } from '../../../canisters/payment/types';
import { account, ok, seeded } from './fixtures';

const [p1, p2, p3, creator, treasury] = [account(), account(), account(), account(), account()];

function total(settlement: Settlement): bigint {
  return settlement.credits.reduce((sum, credit) => sum + credit.amount, 0n) + settlement.fee;
}

function amountOf(settlement: Settlement, who: typeof p1, role = 'provider'): bigint | undefined {
  return settlement.credits.find((credit) => credit.account === who && role in credit.role)?.amount;
}

describe('settlement split', () => {
  it('takes the sweep fee off the top and splits the rest 80 / 15 / 5', () => {
    const plan = ok(settle(1_000_010n, 10n, DEFAULT_SPLIT, { providers: [p1], creator, treasury }));
    expect(plan.sweep).toBe(1_000_010n);
    expect(plan.credits).toEqual([
      { account: p1, role: { provider: null }, amount: 800_000n },
      { account: creator, role: { creator: null }, amount: 50_000n },
      { account: treasury, role: { treasury: null }, amount: 150_000n },
    ]);
  });

  it('pays the royalty a model asks, up to the creator share, and gives what it leaves unclaimed to the providers', () => {
    expect(withRoyalty(DEFAULT_SPLIT, 200)).toEqual({ provider_bps: 8_300, treasury_bps: 1_500, creator_bps: 200 });
    expect(withRoyalty(DEFAULT_SPLIT, 0)).toEqual({ provider_bps: 8_500, treasury_bps: 1_500, creator_bps: 0 });
    expect(withRoyalty(DEFAULT_SPLIT, 1_000)).toEqual(DEFAULT_SPLIT);
    const plan = ok(settle(10_010n, 10n, withRoyalty(DEFAULT_SPLIT, 200), { providers: [p1], creator, treasury }));
    expect(amountOf(plan, p1)).toBe(8_300n);
    expect(amountOf(plan, creator, 'creator')).toBe(200n);
    expect(total(plan)).toBe(10_010n);
  });

  it('shares the provider part equally among agreeing providers, the remainder to the treasury', () => {
    const plan = ok(settle(1_000n, 0n, DEFAULT_SPLIT, { providers: [p1, p2, p3], creator, treasury }));
    // 800 / 3 = 266 each, 2 left over.
    expect([amountOf(plan, p1), amountOf(plan, p2), amountOf(plan, p3)]).toEqual([266n, 266n, 266n]);
    expect(amountOf(plan, creator, 'creator')).toBe(50n);
    expect(amountOf(plan, treasury, 'treasury')).toBe(152n);
  });

  it('gives a provider that agrees through two nodes one credit for both', () => {
    const plan = ok(settle(900n, 0n, DEFAULT_SPLIT, { providers: [p1, p1, p2], creator, treasury }));
    expect(amountOf(plan, p1)).toBe(480n);
    expect(amountOf(plan, p2)).toBe(240n);
  });

  it('sends dust (a share not above the fee) to the treasury: no payout is zero or negative', () => {
    // 200 - 10 = 190: providers 152 / 3 = 50 each, creator 9 (<= fee 10) goes to the treasury.
    const plan = ok(settle(200n, 10n, DEFAULT_SPLIT, { providers: [p1, p2, p3], creator, treasury }));
    expect(amountOf(plan, creator, 'creator')).toBeUndefined();
    expect(amountOf(plan, treasury, 'treasury')).toBe(190n - 150n);
    // A share exactly equal to the fee is dust too: it would pay out nothing.
    const exact = ok(settle(210n, 10n, DEFAULT_SPLIT, { providers: [p1], creator, treasury }));
    expect(amountOf(exact, creator, 'creator')).toBeUndefined();
    expect(exact.credits.every((credit) => credit.amount > exact.fee)).toBe(true);
  });

  it('refuses an escrow that cannot pay its sweep fee, and a job with no provider', () => {
    expect(settle(10n, 10n, DEFAULT_SPLIT, { providers: [p1], creator, treasury })).toEqual({
      Err: { FeeTooHigh: { fee: 10n, amount: 10n } },
    });
    expect(settle(100n, 1n, DEFAULT_SPLIT, { providers: [], creator, treasury })).toEqual({
      Err: { InvalidInput: 'providers: at least one' },
    });
  });

  it('never creates or loses a unit (seeded random amounts, fees, splits and provider counts)', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const random = seeded(seed);
      const fee = random.big(seed % 4 === 0 ? 10_000n : 100n);
      const amount = fee + 1n + random.big(seed % 3 === 0 ? 1_000n : 10n ** 18n);
      const provider_bps = random.int(10_001);
      const creator_bps = random.int(10_001 - provider_bps);
      const split: Split = { provider_bps, creator_bps, treasury_bps: 10_000 - provider_bps - creator_bps };
      const providers = Array.from({ length: 1 + random.int(3) }, () => account());
      const plan = ok(settle(amount, fee, split, { providers, creator, treasury }));
      expect(total(plan), `seed ${seed}`).toBe(amount);
      expect(plan.sweep).toBe(amount);
      for (const credit of plan.credits) {
        expect(credit.amount > ('treasury' in credit.role ? 0n : fee), `seed ${seed}`).toBe(true);
      }
    }
  });
});
