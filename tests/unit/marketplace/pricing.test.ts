// Property tests over seeded random inputs: the multiplier never falls as load rises, a charge is never below the
// provider's price, and the priority surcharge is exactly the stated bps, rounded up once.
import { describe, expect, it } from 'vitest';

import { BPS, DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import type { Price } from '../../../canisters/marketplace/offer_types';
import { ceilDiv, laneBps, multiplierBps, priceUnits, quote, utilizationBps } from '../../../canisters/marketplace/pricing';
import { random } from './fixtures';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const CASES = 500;

function randomPrice(rand: () => number): Price {
  const amount = BigInt(Math.floor(rand() * 1e9)) * BigInt(Math.floor(rand() * 1e6)) + 1n;
  return { unit: rand() < 0.5 ? { per_request: null } : { per_1k_tokens: null }, amount };
}

describe('the utilization multiplier', () => {
  it('follows the default curve at its points, interpolates between them and caps', () => {
    const at = (u: number) => multiplierBps(DEFAULT_CONFIG, u);
    expect([0, 2_500, 5_000, 6_500, 8_000, 9_000, 10_000].map(at)).toEqual([10_000, 10_000, 10_000, 11_250, 12_500, 16_250, 20_000]);
    expect(multiplierBps({ ...DEFAULT_CONFIG, max_multiplier_bps: 15_000 }, 10_000)).toBe(15_000);
    // 2,500 × 1/3 rounds down: a published rate never exceeds the curve.
    expect(at(6_000)).toBe(10_833);
  });

  it('counts a model with no active capacity as saturated', () => {
    expect(utilizationBps(0, 0)).toBe(BPS);
    expect(utilizationBps(3, 4)).toBe(7_500);
    expect(utilizationBps(9, 4)).toBe(BPS);
  });

  it.each(SEEDS)('is non-decreasing in load and at least 10,000 bps (seed %i)', (seed) => {
    const rand = random(seed);
    for (let i = 0; i < CASES; i++) {
      const capacity = 1 + Math.floor(rand() * 1_000);
      const load = Math.floor(rand() * capacity);
      const more = load + 1 + Math.floor(rand() * (capacity - load));
      const [low, high] = [
        multiplierBps(DEFAULT_CONFIG, utilizationBps(load, capacity)),
        multiplierBps(DEFAULT_CONFIG, utilizationBps(more, capacity)),
      ];
      expect(low).toBeGreaterThanOrEqual(BPS);
      expect(high).toBeGreaterThanOrEqual(low);
      expect(high).toBeLessThanOrEqual(DEFAULT_CONFIG.max_multiplier_bps);
    }
  });
});

describe('quotes', () => {
  it('charge per request once, per 1,000 tokens on the budget rounded up', () => {
    const perToken: Price = { unit: { per_1k_tokens: null }, amount: 7n };
    expect(priceUnits(perToken, 1)).toBe(1n);
    expect(priceUnits(perToken, 1_000)).toBe(1n);
    expect(priceUnits(perToken, 1_001)).toBe(2n);
    expect(priceUnits({ unit: { per_request: null }, amount: 7n }, 50_000)).toBe(1n);
    expect(quote(perToken, 2_500, 10_000, 10_000)).toBe(21n);
  });

  it('round the consumer charge up once, at the end', () => {
    const price: Price = { unit: { per_request: null }, amount: 3n };
    // 3 × 1.0833 × 1.25 = 4.062… → 5, where rounding each factor apart would give another figure.
    expect(quote(price, 1, 10_833, 12_500)).toBe(5n);
    expect(quote(price, 1, 10_000, 10_000)).toBe(3n);
    expect(ceilDiv(10n, 5n)).toBe(2n);
    expect(ceilDiv(11n, 5n)).toBe(3n);
  });

  it.each(SEEDS)('are never below the provider price and exact to the unit (seed %i)', (seed) => {
    const rand = random(seed);
    for (let i = 0; i < CASES; i++) {
      const price = randomPrice(rand);
      const tokens = 1 + Math.floor(rand() * 100_000);
      const multiplier = multiplierBps(DEFAULT_CONFIG, Math.floor(rand() * BPS));
      const lane = laneBps(rand() < 0.5 ? { standard: null } : { priority: null }, Math.floor(rand() * 20_000));
      const base = price.amount * priceUnits(price, tokens);
      const charged = quote(price, tokens, multiplier, lane);
      expect(charged).toBeGreaterThanOrEqual(base);
      // The smallest whole charge covering the exact product: charged - 1 falls short of it.
      const exact = base * BigInt(multiplier) * BigInt(lane);
      expect(charged * 100_000_000n).toBeGreaterThanOrEqual(exact);
      expect((charged - 1n) * 100_000_000n).toBeLessThan(exact);
    }
  });

  it.each(SEEDS)('are monotonic in load for a fixed price (seed %i)', (seed) => {
    const rand = random(seed);
    for (let i = 0; i < CASES; i++) {
      const price = randomPrice(rand);
      const [u1, u2] = [Math.floor(rand() * BPS), Math.floor(rand() * BPS)].sort((a, b) => a - b);
      const lane = laneBps({ priority: null }, DEFAULT_CONFIG.priority_surcharge_bps);
      expect(quote(price, 5_000, multiplierBps(DEFAULT_CONFIG, u2), lane)).toBeGreaterThanOrEqual(
        quote(price, 5_000, multiplierBps(DEFAULT_CONFIG, u1), lane),
      );
    }
  });

  it.each(SEEDS)('add exactly the surcharge on the priority lane (seed %i)', (seed) => {
    const rand = random(seed);
    for (let i = 0; i < CASES; i++) {
      const price = randomPrice(rand);
      const surcharge = Math.floor(rand() * 20_000);
      const multiplier = multiplierBps(DEFAULT_CONFIG, Math.floor(rand() * BPS));
      const standard = quote(price, 1, multiplier, laneBps({ standard: null }, surcharge));
      const priority = quote(price, 1, multiplier, laneBps({ priority: null }, surcharge));
      expect(laneBps({ priority: null }, surcharge)).toBe(BPS + surcharge);
      expect(priority).toBe(ceilDiv(price.amount * BigInt(multiplier) * BigInt(BPS + surcharge), 100_000_000n));
      expect(priority).toBeGreaterThanOrEqual(standard);
      if (surcharge === 0) expect(priority).toBe(standard);
    }
  });

  it('adds the default surcharge exactly on a round price: 25% of 1,000,000', () => {
    const price: Price = { unit: { per_request: null }, amount: 1_000_000n };
    expect(quote(price, 1, 10_000, laneBps({ priority: null }, DEFAULT_CONFIG.priority_surcharge_bps))).toBe(1_250_000n);
  });
});
