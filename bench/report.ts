// What the benchmarks print in common: numbers, percentiles and the per-canister cost of a job.
import type { Counters } from '../src/localnet/canister.js';

export const fmt = (n: number | bigint, digits = 0): string => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });

/** The p-th percentile of an ascending list. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One row per canister: messages, instructions, cycles and outcalls per job between two counter snapshots. */
export function perJob(names: string[], before: Record<string, Counters>, after: Record<string, Counters>, jobs: number) {
  return names.map((name) => {
    const [b, a] = [before[name], after[name]];
    return {
      canister: name,
      messages: fmt((a.messages - b.messages) / jobs, 1),
      instructions: fmt((a.instructions - b.instructions) / BigInt(jobs)),
      cycles: fmt((a.cyclesSpent - b.cyclesSpent) / BigInt(jobs)),
      outcalls: fmt((a.outcalls - b.outcalls) / jobs, 1),
    };
  });
}
