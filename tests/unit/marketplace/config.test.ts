import { describe, expect, it } from 'vitest';

import { checkConfig, DEFAULT_CONFIG, withoutRetiredFields, type MarketConfig } from '../../../canisters/marketplace/config';

const curve = (...points: [number, number][]) => points.map(([utilization_bps, multiplier_bps]) => ({ utilization_bps, multiplier_bps }));

describe('the market configuration', () => {
  it('has consistent defaults', () => {
    expect(checkConfig(DEFAULT_CONFIG)).toBeUndefined();
  });

  it.each([
    [{ multiplier_curve: [] }, 'multiplier_curve: must start at utilization 0'],
    [{ multiplier_curve: curve([100, 10_000]) }, 'multiplier_curve: must start at utilization 0'],
    [{ multiplier_curve: curve([0, 9_999]) }, 'multiplier_curve: a multiplier below 10000 bps would undercut the provider'],
    [{ multiplier_curve: curve([0, 10_000], [0, 12_000]) }, 'multiplier_curve: utilizations must increase'],
    [{ multiplier_curve: curve([0, 12_000], [5_000, 11_000]) }, 'multiplier_curve: multipliers must not fall'],
    [{ multiplier_curve: curve([0, 10_000], [10_001, 11_000]) }, 'multiplier_curve: utilization at most 10000 bps'],
    [{ max_multiplier_bps: 9_000 }, 'max_multiplier_bps: at least 10000'],
    [{ weights: { ...DEFAULT_CONFIG.weights, price: 0 } }, 'weights: must sum to 10000 bps'],
    [{ candidate_pool: 0 }, 'candidate_pool: at least 1'],
    [{ spares: 11 }, 'spares: at most 10'],
    [{ job_timeout_ns: 59_000_000_000n }, 'job_timeout_ns: at least the sweep interval, 60000000000 ns'],
  ] as [Partial<MarketConfig>, string][])('refuses an inconsistent one %#', (override, reason) => {
    expect(checkConfig({ ...DEFAULT_CONFIG, ...override })).toBe(reason);
  });
});

describe('a configuration stored before min_stake moved to identity', () => {
  it('loses the retired field and keeps every other', () => {
    const stored = { ...DEFAULT_CONFIG, min_stake: 500n };
    expect(withoutRetiredFields(stored)).toEqual(DEFAULT_CONFIG);
    expect(Object.keys(withoutRetiredFields(stored))).not.toContain('min_stake');
  });
});
