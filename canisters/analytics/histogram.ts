// A fixed log-scale latency histogram: counts per bin, so a bucket of any size holds ~60 numbers and percentiles
// come without keeping the samples. Bin i holds latencies below BOUNDS_MS[i] and at or above the bound before it;
// the last bin holds everything from the last bound up. Bounds step by at most 1.33x above 10 ms, so a percentile
// read as its bin's upper bound is at most a third above the true value. Pure: no 'azle' import.

// 1-2-3-4-5-6-8 ms, then 10, 12, 15, 20, 25, 30, 40, 50, 60, 80 in every decade up to 10^6 ms (about 17 minutes).
const STEPS = [10, 12, 15, 20, 25, 30, 40, 50, 60, 80];
export const BOUNDS_MS: readonly bigint[] = [
  ...[1, 2, 3, 4, 5, 6, 8].map(BigInt),
  ...[1, 10, 100, 1_000, 10_000].flatMap((scale) => STEPS.map((step) => BigInt(step * scale))),
  1_000_000n,
];
export const BINS = BOUNDS_MS.length + 1;

/** Counts per bin, BINS long. */
export type Histogram = number[];

export const emptyHistogram = (): Histogram => new Array<number>(BINS).fill(0);

export function binOf(ms: bigint): number {
  let [low, high] = [0, BOUNDS_MS.length];
  // The first bound above ms, by binary search; BOUNDS_MS.length when ms is past the last bound.
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ms < BOUNDS_MS[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function record(histogram: Histogram, ms: bigint): void {
  histogram[binOf(ms)]++;
}

export function mergeInto(into: Histogram, from: Histogram): void {
  for (let i = 0; i < BINS; i++) into[i] += from[i];
}

/**
 * The latency below which `permille` of the samples fall, as the upper bound of the bin where that sample lies
 * (the overflow bin reports the last bound); undefined with no samples.
 */
export function percentile(histogram: Histogram, permille: number): bigint | undefined {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  // The rank of the sample that the percentile names, 1-based: ceil(total * permille / 1000).
  const rank = Math.max(1, Math.ceil((total * permille) / 1000));
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += histogram[i];
    if (seen >= rank) return BOUNDS_MS[Math.min(i, BOUNDS_MS.length - 1)];
  }
  return BOUNDS_MS[BOUNDS_MS.length - 1];
}
