import { describe, expect, it } from 'vitest';

import { Buckets, RETENTION_NS, SIZE_NS, type Resolution } from '../../../canisters/analytics/buckets';
import { record } from '../../../canisters/analytics/histogram';
import { emptyStats, type Stats } from '../../../canisters/analytics/stats';
import { random } from '../../support/random';

const MINUTE = SIZE_NS.minute;
const HOUR = SIZE_NS.hour;
const DAY = SIZE_NS.day;
// A day boundary far from zero, as real times are.
const T0 = 20_000n * DAY;

function memory() {
  const map = new Map<string, Stats>();
  return {
    map,
    storage: {
      put: (key: string, stats: Stats) => void map.set(key, structuredClone(stats)),
      remove: (key: string) => void map.delete(key),
    },
  };
}

const job = (ms: bigint, volume = 0n): Stats => {
  const stats = emptyStats();
  stats.completed = 1n;
  stats.volume = volume;
  record(stats.latency, ms);
  return stats;
};

describe('time buckets', () => {
  it('shows an event at every resolution at once, before any roll-up', () => {
    const { storage } = memory();
    const b = new Buckets(storage, [], { minute: 0n, hour: 0n });
    b.add(['all', 'model:1'], T0 + 90n * MINUTE + 5n, job(40n, 7n));
    b.add(['all'], T0 + 91n * MINUTE, job(60n, 3n));
    for (const [resolution, count] of [
      ['minute', 2n],
      ['hour', 2n],
      ['day', 2n],
    ] as [Resolution, bigint][]) {
      const total = b.total(resolution, 'all', T0, T0 + DAY);
      expect([resolution, total.completed, total.volume]).toEqual([resolution, count, 10n]);
    }
    expect(b.total('day', 'model:1', T0, T0 + DAY).completed).toBe(1n);
    expect(b.range('minute', 'all', T0, T0 + DAY).map((p) => p.start)).toEqual([T0 + 90n * MINUTE, T0 + 91n * MINUTE]);
  });

  it('rolls closed minutes into hours and hours into days without counting anything twice, late events included', () => {
    const rng = random(7);
    const { storage } = memory();
    const b = new Buckets(storage, [], { minute: 0n, hour: 0n });
    // Every event also kept whole, to compare each resolution with a plain sum over its time span.
    const events: { at: bigint; dim: string; stats: Stats }[] = [];
    let now = T0;
    let compared = 0;
    for (let step = 0; step < 400; step++) {
      now += BigInt(Math.floor(rng() * 20)) * MINUTE + BigInt(Math.floor(rng() * 60)) * 1_000_000_000n;
      // Some events arrive late, stamped up to three hours before now.
      const at = rng() < 0.2 ? now - BigInt(Math.floor(rng() * 180)) * MINUTE : now;
      const dim = rng() < 0.5 ? 'all' : 'region:eu';
      const stats = job(BigInt(Math.floor(rng() * 5000)), BigInt(step));
      b.add([dim], at, stats);
      events.push({ at, dim, stats });
      if (rng() < 0.3) b.rollUp(now);
      // Hours and days are exact at any moment: compare the last two days bucket by bucket.
      if (step % 25 === 0) {
        for (const resolution of ['hour', 'day'] as Resolution[]) {
          const size = SIZE_NS[resolution];
          const from = now - 2n * DAY - ((now - 2n * DAY) % size);
          for (const point of b.range(resolution, 'all', from, now + size)) {
            const inside = events.filter((e) => e.dim === 'all' && e.at >= point.start && e.at < point.start + size);
            expect(point.stats.completed).toBe(BigInt(inside.length));
            expect(point.stats.volume).toBe(inside.reduce((sum, e) => sum + e.stats.volume, 0n));
            expect(point.stats.latency.reduce((s, c) => s + c, 0)).toBe(inside.length);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    // Over the whole history the days add up to every event.
    const days = b.total('day', 'region:eu', T0 - DAY, now + DAY);
    expect(days.completed).toBe(BigInt(events.filter((e) => e.dim === 'region:eu').length));
  });

  it('drops minutes after two hours and hours after fourteen days, keeping their sums in the coarser buckets', () => {
    const { map, storage } = memory();
    const b = new Buckets(storage, [], { minute: 0n, hour: 0n });
    b.add(['all'], T0 + 5n * MINUTE, job(10n, 100n));
    b.rollUp(T0 + 3n * HOUR);
    expect(b.range('minute', 'all', T0, T0 + HOUR)).toEqual([]);
    expect(b.total('hour', 'all', T0, T0 + HOUR).volume).toBe(100n);
    b.rollUp(T0 + 15n * DAY);
    expect(b.range('hour', 'all', T0, T0 + DAY)).toEqual([]);
    expect(b.total('day', 'all', T0, T0 + DAY).volume).toBe(100n);
    expect([...map.keys()]).toEqual([`d|all|${T0 / DAY}`]);
    b.rollUp(T0 + RETENTION_NS.day + 2n * DAY);
    expect(b.size()).toBe(0);
    expect(map.size).toBe(0);
  });

  it('keeps storage equal to the heap, so a reload (an upgrade) shows the same figures', () => {
    const { map, storage } = memory();
    const b = new Buckets(storage, [], { minute: 0n, hour: 0n });
    for (let i = 0n; i < 200n; i++) b.add(['all', `model:${i % 3n}`], T0 + i * 7n * MINUTE, job(i * 10n, i));
    const marks = b.rollUp(T0 + 10n * HOUR);
    for (let i = 0n; i < 10n; i++) b.add(['all'], T0 + i * MINUTE, job(5n, 1n)); // late, after the roll-up
    const reloaded = new Buckets(memory().storage, map.entries(), marks);
    for (const resolution of ['minute', 'hour', 'day'] as Resolution[]) {
      for (const dim of ['all', 'model:0', 'model:2']) {
        expect(reloaded.range(resolution, dim, T0, T0 + DAY)).toEqual(b.range(resolution, dim, T0, T0 + DAY));
      }
    }
    expect(reloaded.dimensions('model:')).toEqual(['model:0', 'model:1', 'model:2']);
  });
});
