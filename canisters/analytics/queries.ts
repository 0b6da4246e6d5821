// The dashboard queries over the buckets: a series of one dimension, a summary of a range, a ranking of the models,
// providers or regions, and the token flows between consumers, payees and the ledger. Ranges are [from, to) in ns,
// taken in whole buckets of the resolution asked for, at most MAX_BUCKETS of them. Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';

import { RESOLUTIONS, SIZE_NS, type Buckets, type Resolution } from './buckets';
import { Dimension, DimensionKind, dimensionKey, dimensionOf, kindPrefix } from './dimensions';
import { isEmpty, successRateBps, summarize, Summary, type Stats } from './stats';
import { percentile } from './histogram';

/** The most buckets one query reads per dimension: a day of minutes, two months of hours, four years of days. */
export const MAX_BUCKETS = 1_500;
export const MAX_PAGE = 100;

export const ResolutionIdl = IDL.Variant({ minute: IDL.Null, hour: IDL.Null, day: IDL.Null });
export type ResolutionIdl = { minute: null } | { hour: null } | { day: null };
export const resolutionOf = (r: ResolutionIdl): Resolution => Object.keys(r)[0] as Resolution;

export const TimeRange = IDL.Record({ resolution: ResolutionIdl, from: IDL.Nat64, to: IDL.Nat64 });
export type TimeRange = { resolution: ResolutionIdl; from: bigint; to: bigint };

export const AnalyticsError = IDL.Variant({ Unauthorized: IDL.Text, InvalidInput: IDL.Text });
export type AnalyticsError = { Unauthorized: string } | { InvalidInput: string };
export type Result<T> = { Ok: T } | { Err: AnalyticsError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: AnalyticsError });

export const Point = IDL.Record({ start: IDL.Nat64, summary: Summary });
export type Point = { start: bigint; summary: Summary };

export const Metric = IDL.Variant({
  matched: IDL.Null,
  completed: IDL.Null,
  success_rate: IDL.Null,
  p95_latency: IDL.Null,
  tokens: IDL.Null,
  volume: IDL.Null,
  provider_earnings: IDL.Null,
});
export type Metric =
  | { matched: null }
  | { completed: null }
  | { success_rate: null }
  | { p95_latency: null }
  | { tokens: null }
  | { volume: null }
  | { provider_earnings: null };

export const LeaderboardQuery = IDL.Record({
  kind: DimensionKind,
  metric: Metric,
  range: TimeRange,
  offset: IDL.Nat32,
  limit: IDL.Nat32,
});
export type LeaderboardQuery = { kind: DimensionKind; metric: Metric; range: TimeRange; offset: number; limit: number };

export const Ranked = IDL.Record({ dimension: Dimension, summary: Summary });
export type Ranked = { dimension: Dimension; summary: Summary };
export const Leaderboard = IDL.Record({ entries: IDL.Vec(Ranked), total: IDL.Nat64 });
export type Leaderboard = { entries: Ranked[]; total: bigint };

/** Where the tokens of closed escrows went over a range: consumers paid `from_consumers`, split as below. */
export const Flows = IDL.Record({
  from_consumers: IDL.Nat,
  to_providers: IDL.Nat,
  to_creators: IDL.Nat,
  to_treasury: IDL.Nat,
  to_ledger_fees: IDL.Nat,
  refunded_to_consumers: IDL.Nat,
  /** Taken from providers' stake by verification (identity moves it to the treasury). */
  slashed_from_providers: IDL.Nat,
});
export type Flows = {
  from_consumers: bigint;
  to_providers: bigint;
  to_creators: bigint;
  to_treasury: bigint;
  to_ledger_fees: bigint;
  refunded_to_consumers: bigint;
  slashed_from_providers: bigint;
};

export function checkRange(range: TimeRange): string | undefined {
  if (!RESOLUTIONS.includes(resolutionOf(range.resolution))) return 'resolution: minute, hour or day';
  if (range.from >= range.to) return 'range: from must be before to';
  const size = SIZE_NS[resolutionOf(range.resolution)];
  const buckets = (range.to + size - 1n) / size - range.from / size;
  if (buckets > BigInt(MAX_BUCKETS)) return `range: at most ${MAX_BUCKETS} buckets of this resolution`;
}

export function checkPage(offset: number, limit: number): string | undefined {
  if (limit > MAX_PAGE) return `limit: at most ${MAX_PAGE}`;
  if (offset < 0) return 'offset: at least 0';
}

const totalOf = (buckets: Buckets, dim: string, range: TimeRange): Stats =>
  buckets.total(resolutionOf(range.resolution), dim, range.from, range.to);

export function series(buckets: Buckets, dimension: Dimension, range: TimeRange): Result<Point[]> {
  const problem = checkRange(range);
  if (problem !== undefined) return { Err: { InvalidInput: problem } };
  const points = buckets.range(resolutionOf(range.resolution), dimensionKey(dimension), range.from, range.to);
  return { Ok: points.map(({ start, stats }) => ({ start, summary: summarize(stats) })) };
}

export function summary(buckets: Buckets, dimension: Dimension, range: TimeRange): Result<Summary> {
  const problem = checkRange(range);
  if (problem !== undefined) return { Err: { InvalidInput: problem } };
  return { Ok: summarize(totalOf(buckets, dimensionKey(dimension), range)) };
}

export function flows(buckets: Buckets, range: TimeRange): Result<Flows> {
  const problem = checkRange(range);
  if (problem !== undefined) return { Err: { InvalidInput: problem } };
  const total = totalOf(buckets, dimensionKey({ all: null }), range);
  return {
    Ok: {
      from_consumers: total.volume,
      to_providers: total.provider_earnings,
      to_creators: total.creator_earnings,
      to_treasury: total.treasury_fees,
      to_ledger_fees: total.ledger_fees,
      refunded_to_consumers: total.refunds,
      slashed_from_providers: total.slashed,
    },
  };
}

// The value each metric ranks by, larger first; latency ranks smaller first, and an entry without a value last.
function score(metric: Metric, stats: Stats): bigint | undefined {
  if ('matched' in metric) return stats.matched;
  if ('completed' in metric) return stats.completed;
  if ('tokens' in metric) return stats.tokens;
  if ('volume' in metric) return stats.volume;
  if ('provider_earnings' in metric) return stats.provider_earnings;
  if ('success_rate' in metric) {
    const rate = successRateBps(stats);
    return rate === undefined ? undefined : BigInt(rate);
  }
  const p95 = percentile(stats.latency, 950);
  return p95 === undefined ? undefined : -p95;
}

/** The models, providers or regions with anything in the range, ranked by the metric (ties by key), a page of them. */
export function leaderboard(buckets: Buckets, query: LeaderboardQuery): Result<Leaderboard> {
  const problem = checkRange(query.range) ?? checkPage(query.offset, query.limit);
  if (problem !== undefined) return { Err: { InvalidInput: problem } };
  const rows = buckets
    .dimensions(kindPrefix(query.kind))
    .map((dim) => {
      const stats = totalOf(buckets, dim, query.range);
      return { dim, stats, score: score(query.metric, stats) };
    })
    .filter((row) => !isEmpty(row.stats));
  rows.sort((a, b) => {
    if (a.score !== b.score) {
      if (a.score === undefined) return 1;
      if (b.score === undefined) return -1;
      return a.score > b.score ? -1 : 1;
    }
    return a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : 0;
  });
  const page = rows.slice(query.offset, query.offset + query.limit);
  return {
    Ok: { entries: page.map((row) => ({ dimension: dimensionOf(row.dim), summary: summarize(row.stats) })), total: BigInt(rows.length) },
  };
}
