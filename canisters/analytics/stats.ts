// What one time bucket of one dimension holds: counters, sums of money in base units and a latency histogram,
// all of which add up, so buckets merge (roll-up, ranges, leaderboards) by adding. Summary is the dashboard's
// view of a merged Stats: success rate in bps and latency percentiles. Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';

import { emptyHistogram, mergeInto, percentile, type Histogram } from './histogram';

/** The counters, in the order the codec writes them. Never reorder: stable memory holds them in this order. */
export const COUNTERS = [
  // Jobs by the stage they reached. A job names its providers and region from `matched` on, so those dimensions
  // count jobs there; `submitted` and `rejected` (the escrow failed) count in the model's and the total only.
  'submitted',
  'matched',
  'rejected',
  'completed',
  'failed',
  'settled',
  'refunded',
  // Latency samples (completed jobs) and their sum, for the mean.
  'latency_samples',
  'latency_ms_total',
  // Worker runs reported by the bridge, their tokens and outcall time.
  'runs',
  'tokens',
  'run_ms_total',
  // Money, in base units: escrows closed, what went back to consumers and to each payee, the ledger's fees.
  'volume',
  'refunds',
  'provider_earnings',
  'creator_earnings',
  'treasury_fees',
  'ledger_fees',
  // Stake taken from providers.
  'slashes',
  'slashed',
] as const;
export type Counter = (typeof COUNTERS)[number];

export type Stats = Record<Counter, bigint> & { latency: Histogram };

export function emptyStats(): Stats {
  const stats = { latency: emptyHistogram() } as Stats;
  for (const counter of COUNTERS) stats[counter] = 0n;
  return stats;
}

export function addInto(into: Stats, from: Stats): void {
  for (const counter of COUNTERS) into[counter] += from[counter];
  mergeInto(into.latency, from.latency);
}

export const isEmpty = (stats: Stats): boolean => COUNTERS.every((counter) => stats[counter] === 0n);

export function sumOf(all: Iterable<Stats>): Stats {
  const total = emptyStats();
  for (const stats of all) addInto(total, stats);
  return total;
}

const Nat = IDL.Nat;
const Nat64 = IDL.Nat64;

export const Summary = IDL.Record({
  submitted: Nat64,
  matched: Nat64,
  rejected: Nat64,
  completed: Nat64,
  failed: Nat64,
  settled: Nat64,
  refunded: Nat64,
  /** completed / (completed + failed), in bps; absent before any job ended. */
  success_rate_bps: IDL.Opt(IDL.Nat32),
  p50_latency_ms: IDL.Opt(Nat64),
  p95_latency_ms: IDL.Opt(Nat64),
  mean_latency_ms: IDL.Opt(Nat64),
  runs: Nat64,
  tokens: Nat64,
  volume: Nat,
  refunds: Nat,
  provider_earnings: Nat,
  creator_earnings: Nat,
  treasury_fees: Nat,
  ledger_fees: Nat,
  slashes: Nat64,
  slashed: Nat,
});
export type Summary = {
  submitted: bigint;
  matched: bigint;
  rejected: bigint;
  completed: bigint;
  failed: bigint;
  settled: bigint;
  refunded: bigint;
  success_rate_bps: [] | [number];
  p50_latency_ms: [] | [bigint];
  p95_latency_ms: [] | [bigint];
  mean_latency_ms: [] | [bigint];
  runs: bigint;
  tokens: bigint;
  volume: bigint;
  refunds: bigint;
  provider_earnings: bigint;
  creator_earnings: bigint;
  treasury_fees: bigint;
  ledger_fees: bigint;
  slashes: bigint;
  slashed: bigint;
};

const opt = <T>(value: T | undefined): [] | [T] => (value === undefined ? [] : [value]);

export function successRateBps(stats: Stats): number | undefined {
  const ended = stats.completed + stats.failed;
  return ended === 0n ? undefined : Number((stats.completed * 10_000n) / ended);
}

export function summarize(stats: Stats): Summary {
  const samples = stats.latency_samples;
  return {
    submitted: stats.submitted,
    matched: stats.matched,
    rejected: stats.rejected,
    completed: stats.completed,
    failed: stats.failed,
    settled: stats.settled,
    refunded: stats.refunded,
    success_rate_bps: opt(successRateBps(stats)),
    p50_latency_ms: opt(percentile(stats.latency, 500)),
    p95_latency_ms: opt(percentile(stats.latency, 950)),
    mean_latency_ms: opt(samples === 0n ? undefined : stats.latency_ms_total / samples),
    runs: stats.runs,
    tokens: stats.tokens,
    volume: stats.volume,
    refunds: stats.refunds,
    provider_earnings: stats.provider_earnings,
    creator_earnings: stats.creator_earnings,
    treasury_fees: stats.treasury_fees,
    ledger_fees: stats.ledger_fees,
    slashes: stats.slashes,
    slashed: stats.slashed,
  };
}
