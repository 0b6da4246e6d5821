import { describe, expect, it } from 'vitest';

import { record } from '../../../canisters/analytics/histogram';
import { COUNTERS, emptyStats } from '../../../canisters/analytics/stats';
import { decodeStats, encodeStats } from '../../../canisters/analytics/stats_codec';

describe('stats codec', () => {
  it('round-trips every counter, large amounts and the histogram', () => {
    const stats = emptyStats();
    COUNTERS.forEach((counter, i) => (stats[counter] = BigInt(i) * 1_000_000_007n ** 3n));
    for (const ms of [0n, 5n, 250n, 250n, 9_999_999n]) record(stats.latency, ms);
    expect(decodeStats(encodeStats(stats))).toEqual(stats);
  });

  it('keeps an empty bucket to one byte per counter and a sparse histogram small', () => {
    expect(encodeStats(emptyStats()).length).toBe(COUNTERS.length + 1);
    const one = emptyStats();
    one.submitted = 1n;
    record(one.latency, 300n);
    expect(encodeStats(one).length).toBe(COUNTERS.length + 3);
  });

  it('refuses truncated or trailing bytes', () => {
    const bytes = encodeStats(emptyStats());
    expect(() => decodeStats(bytes.slice(0, -1))).toThrow(/truncated/);
    expect(() => decodeStats(Uint8Array.from([...bytes, 0]))).toThrow(/trailing/);
  });
});
