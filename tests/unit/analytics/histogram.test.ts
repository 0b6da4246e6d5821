import { describe, expect, it } from 'vitest';

import { BINS, BOUNDS_MS, binOf, emptyHistogram, mergeInto, percentile, record } from '../../../canisters/analytics/histogram';

describe('latency histogram', () => {
  it('has strictly increasing bounds, each at most 1.34x the one before from 10 ms on', () => {
    for (let i = 1; i < BOUNDS_MS.length; i++) {
      expect(BOUNDS_MS[i]).toBeGreaterThan(BOUNDS_MS[i - 1]);
      if (BOUNDS_MS[i - 1] >= 10n) expect(Number(BOUNDS_MS[i]) / Number(BOUNDS_MS[i - 1])).toBeLessThanOrEqual(1.34);
    }
    expect(BINS).toBe(BOUNDS_MS.length + 1);
  });

  it('puts a latency in the bin whose bound is the first above it; past the last bound in the overflow bin', () => {
    expect(binOf(0n)).toBe(0);
    expect(binOf(1n)).toBe(1);
    expect(BOUNDS_MS[binOf(99n)]).toBe(100n);
    expect(BOUNDS_MS[binOf(100n)]).toBe(120n);
    expect(binOf(5_000_000n)).toBe(BINS - 1);
  });

  it('reads percentiles as the upper bound of the bin holding the ranked sample, within a third of the exact value', () => {
    const h = emptyHistogram();
    const samples = Array.from({ length: 1000 }, (_, i) => BigInt(10 + i * 7)); // 10 .. 7003 ms
    for (const s of samples) record(h, s);
    for (const permille of [500, 950, 990]) {
      const exact = samples[Math.ceil((samples.length * permille) / 1000) - 1];
      const estimate = percentile(h, permille)!;
      expect(estimate).toBeGreaterThan(exact);
      expect(Number(estimate) / Number(exact)).toBeLessThanOrEqual(1.34);
    }
    expect(percentile(emptyHistogram(), 500)).toBeUndefined();
  });

  it('merges by adding counts: the percentiles of two halves merged equal those of the whole', () => {
    const [a, b, whole] = [emptyHistogram(), emptyHistogram(), emptyHistogram()];
    for (let i = 0; i < 200; i++) {
      const ms = BigInt((i * 37) % 3000);
      record(i % 2 ? a : b, ms);
      record(whole, ms);
    }
    mergeInto(a, b);
    expect(a).toEqual(whole);
    expect(percentile(a, 950)).toBe(percentile(whole, 950));
  });
});
