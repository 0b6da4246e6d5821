// Time buckets per dimension (everything, a model, a provider, a region) at three resolutions. Events land in
// minute buckets; the roll-up adds each closed minute into its hour and each closed hour into its day, then drops
// buckets past their retention, so storage stays bounded by dimensions x (120 minutes + 14 days of hours + 400 days).
// A watermark per resolution says up to where it has been rolled up: a coarser bucket's view is what is stored in
// it plus the views of its children not yet rolled up, so every resolution is exact at any moment, between
// roll-ups too. An event older than a watermark (it arrived late) is also added to the coarser buckets already
// past it. Pure: storage comes in as an interface; no 'azle' import.
import { addInto, emptyStats, sumOf, type Stats } from './stats';

export type Resolution = 'minute' | 'hour' | 'day';
export const RESOLUTIONS: readonly Resolution[] = ['minute', 'hour', 'day'];

const SECOND_NS = 1_000_000_000n;
export const SIZE_NS: Record<Resolution, bigint> = { minute: 60n * SECOND_NS, hour: 3_600n * SECOND_NS, day: 86_400n * SECOND_NS };
export const RETENTION_NS: Record<Resolution, bigint> = {
  minute: 2n * SIZE_NS.hour,
  hour: 14n * SIZE_NS.day,
  day: 400n * SIZE_NS.day,
};
const FINER: Record<Resolution, keyof Watermarks | undefined> = { minute: undefined, hour: 'minute', day: 'hour' };

/** Up to where (exclusive, ns) minutes have been added into hours and hours into days. */
export type Watermarks = { minute: bigint; hour: bigint };

export interface BucketStorage {
  put(key: string, stats: Stats): void;
  remove(key: string): void;
}

const LETTER: Record<Resolution, string> = { minute: 'm', hour: 'h', day: 'd' };
const BY_LETTER: Record<string, Resolution> = { m: 'minute', h: 'hour', d: 'day' };

/** The stable key of one bucket: resolution, dimension and bucket number, ASCII (dimension keys are). */
export const bucketKey = (resolution: Resolution, dim: string, index: bigint): string => `${LETTER[resolution]}|${dim}|${index}`;

export function parseBucketKey(key: string): { resolution: Resolution; dim: string; index: bigint } {
  const first = key.indexOf('|');
  const last = key.lastIndexOf('|');
  return { resolution: BY_LETTER[key.slice(0, first)], dim: key.slice(first + 1, last), index: BigInt(key.slice(last + 1)) };
}

const seriesKey = (resolution: Resolution, dim: string): string => `${LETTER[resolution]}|${dim}`;
const cloneStats = (stats: Stats): Stats => ({ ...stats, latency: [...stats.latency] });

export class Buckets {
  // Every bucket on the heap (storage is bounded): series by resolution and dimension, buckets by number.
  private readonly series = new Map<string, Map<bigint, Stats>>();
  private readonly dimsOf: Record<Resolution, Set<string>> = { minute: new Set(), hour: new Set(), day: new Set() };

  constructor(
    private readonly storage: BucketStorage,
    loaded: Iterable<[string, Stats]>,
    private marks: Watermarks,
  ) {
    for (const [key, stats] of loaded) {
      const { resolution, dim, index } = parseBucketKey(key);
      this.bucketsOf(resolution, dim).set(index, stats);
    }
  }

  watermarks(): Watermarks {
    return { ...this.marks };
  }

  /** Adds `delta` to the minute bucket of `at` in each dimension, and to coarser buckets already rolled up past it. */
  add(dims: Iterable<string>, at: bigint, delta: Stats): void {
    for (const dim of dims) {
      this.addTo('minute', dim, at, delta);
      if (this.startOf('minute', at) < this.marks.minute) this.addTo('hour', dim, at, delta);
      if (this.startOf('hour', at) < this.marks.hour) this.addTo('day', dim, at, delta);
    }
  }

  /** One bucket as it stands: what it holds plus its children not yet rolled up into it. */
  view(resolution: Resolution, dim: string, index: bigint): Stats | undefined {
    const stored = this.series.get(seriesKey(resolution, dim))?.get(index);
    const finer = FINER[resolution];
    let total = stored === undefined ? undefined : cloneStats(stored);
    if (finer === undefined) return total;
    const ratio = SIZE_NS[resolution] / SIZE_NS[finer];
    const mark = this.marks[finer] / SIZE_NS[finer] + (this.marks[finer] % SIZE_NS[finer] === 0n ? 0n : 1n);
    const first = index * ratio > mark ? index * ratio : mark;
    for (let child = first; child < (index + 1n) * ratio; child++) {
      const view = this.view(finer, dim, child);
      if (view === undefined) continue;
      total ??= emptyStats();
      addInto(total, view);
    }
    return total;
  }

  /** The buckets of [from, to) that hold anything, oldest first, with their start times. */
  range(resolution: Resolution, dim: string, from: bigint, to: bigint): { start: bigint; stats: Stats }[] {
    const size = SIZE_NS[resolution];
    const points: { start: bigint; stats: Stats }[] = [];
    if (!this.dimsOf[resolution].has(dim) && FINER[resolution] === undefined) return points;
    for (let index = from / size; index * size < to; index++) {
      const stats = this.view(resolution, dim, index);
      if (stats !== undefined) points.push({ start: index * size, stats });
    }
    return points;
  }

  /** Everything in [from, to) at `resolution`, merged. */
  total(resolution: Resolution, dim: string, from: bigint, to: bigint): Stats {
    return sumOf(this.range(resolution, dim, from, to).map((point) => point.stats));
  }

  /** The dimensions that hold anything at any resolution, those starting with `prefix`. */
  dimensions(prefix: string): string[] {
    const found = new Set<string>();
    for (const resolution of RESOLUTIONS) for (const dim of this.dimsOf[resolution]) if (dim.startsWith(prefix)) found.add(dim);
    return [...found].sort();
  }

  /** How many buckets are kept, all resolutions. */
  size(): number {
    let count = 0;
    for (const buckets of this.series.values()) count += buckets.size;
    return count;
  }

  /**
   * Adds the minutes closed since the last roll-up into their hours and the closed hours into their days, then drops
   * buckets past their retention. Returns the new watermarks, which the caller keeps.
   */
  rollUp(now: bigint): Watermarks {
    const minuteMark = this.startOf('minute', now);
    const hourMark = this.startOf('hour', now);
    this.rollInto('minute', 'hour', this.marks.minute, minuteMark);
    this.marks = { minute: minuteMark, hour: this.marks.hour };
    this.rollInto('hour', 'day', this.marks.hour, hourMark);
    this.marks = { minute: minuteMark, hour: hourMark };
    for (const resolution of RESOLUTIONS) this.prune(resolution, now - RETENTION_NS[resolution]);
    return this.watermarks();
  }

  private rollInto(finer: Resolution, coarser: Resolution, from: bigint, to: bigint): void {
    const size = SIZE_NS[finer];
    for (const dim of this.dimsOf[finer]) {
      for (const [index, stats] of this.series.get(seriesKey(finer, dim))!) {
        const start = index * size;
        if (start >= from && start < to) this.addTo(coarser, dim, start, stats);
      }
    }
  }

  private prune(resolution: Resolution, before: bigint): void {
    const size = SIZE_NS[resolution];
    for (const dim of [...this.dimsOf[resolution]]) {
      const buckets = this.series.get(seriesKey(resolution, dim))!;
      for (const index of [...buckets.keys()]) {
        if ((index + 1n) * size > before) continue;
        buckets.delete(index);
        this.storage.remove(bucketKey(resolution, dim, index));
      }
      if (buckets.size === 0) {
        this.series.delete(seriesKey(resolution, dim));
        this.dimsOf[resolution].delete(dim);
      }
    }
  }

  private startOf(resolution: Resolution, at: bigint): bigint {
    return at - (at % SIZE_NS[resolution]);
  }

  private addTo(resolution: Resolution, dim: string, at: bigint, delta: Stats): void {
    const buckets = this.bucketsOf(resolution, dim);
    const index = at / SIZE_NS[resolution];
    let stats = buckets.get(index);
    if (stats === undefined) buckets.set(index, (stats = emptyStats()));
    addInto(stats, delta);
    this.storage.put(bucketKey(resolution, dim, index), stats);
  }

  private bucketsOf(resolution: Resolution, dim: string): Map<bigint, Stats> {
    const key = seriesKey(resolution, dim);
    let buckets = this.series.get(key);
    if (buckets === undefined) {
      this.series.set(key, (buckets = new Map()));
      this.dimsOf[resolution].add(dim);
    }
    return buckets;
  }
}
