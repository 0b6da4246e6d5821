// The marketplace's parameters in one typed record with defaults; governance will set them later.
import { IDL } from '@dfinity/candid';

export const BPS = 10_000;

export const clampBps = (value: number): number => Math.max(0, Math.min(BPS, Math.floor(value)));

/** One point of the utilization → multiplier curve; between points the multiplier is interpolated. */
export const CurvePoint = IDL.Record({ utilization_bps: IDL.Nat32, multiplier_bps: IDL.Nat32 });
export type CurvePoint = { utilization_bps: number; multiplier_bps: number };

/** Weights of the score components in bps; they sum to 10,000 so a score is itself in bps. */
export const ScoreWeights = IDL.Record({
  hardware: IDL.Nat32,
  reputation: IDL.Nat32,
  price: IDL.Nat32,
  region_latency: IDL.Nat32,
  load: IDL.Nat32,
});
export type ScoreWeights = { hardware: number; reputation: number; price: number; region_latency: number; load: number };

export const MarketConfig = IDL.Record({
  priority_surcharge_bps: IDL.Nat32,
  multiplier_curve: IDL.Vec(CurvePoint),
  max_multiplier_bps: IDL.Nat32,
  spares: IDL.Nat8,
  default_reputation_bps: IDL.Nat16,
  weights: ScoreWeights,
  latency_reference_ms: IDL.Nat32,
  candidate_pool: IDL.Nat32,
  max_reservation_ns: IDL.Nat64,
  job_timeout_ns: IDL.Nat64,
});
export type MarketConfig = {
  /** Added to the price of a priority-lane job: 2,500 makes it cost 125%. */
  priority_surcharge_bps: number;
  /** Sorted by utilization, starting at 0, multipliers never falling and never below 10,000. */
  multiplier_curve: CurvePoint[];
  max_multiplier_bps: number;
  /** Candidates kept beyond the redundancy, for failover. */
  spares: number;
  /** Reputation of a provider the verification canister has not rated yet. */
  default_reputation_bps: number;
  weights: ScoreWeights;
  /** A p95 latency at or above this scores 0 on latency. */
  latency_reference_ms: number;
  /** How many eligible offers, cheapest first, are scored per match: bounds the cost of a match. */
  candidate_pool: number;
  max_reservation_ns: bigint;
  /** A matched or dispatched job older than this fails and is refunded (timed_out) by the sweep. */
  job_timeout_ns: bigint;
};

export const HOUR_NS = 3_600_000_000_000n;

/** How often the marketplace sweeps for timed-out jobs and retries settlements and refunds that did not land. */
export const SWEEP_INTERVAL_S = 60;
export const SWEEP_INTERVAL_NS = BigInt(SWEEP_INTERVAL_S) * 1_000_000_000n;

export const DEFAULT_CONFIG: MarketConfig = {
  priority_surcharge_bps: 2_500,
  // Flat while half the capacity is free, then rising to double when the model is saturated.
  multiplier_curve: [
    { utilization_bps: 0, multiplier_bps: 10_000 },
    { utilization_bps: 5_000, multiplier_bps: 10_000 },
    { utilization_bps: 8_000, multiplier_bps: 12_500 },
    { utilization_bps: 10_000, multiplier_bps: 20_000 },
  ],
  max_multiplier_bps: 20_000,
  spares: 2,
  default_reputation_bps: 5_000,
  weights: { hardware: 1_500, reputation: 3_000, price: 2_500, region_latency: 1_500, load: 1_500 },
  latency_reference_ms: 5_000,
  candidate_pool: 64,
  max_reservation_ns: 30n * 24n * HOUR_NS,
  job_timeout_ns: HOUR_NS / 4n,
};

/**
 * A configuration as stored: configurations written before min_stake moved to identity (the one minimum, pushed
 * with every standing) still hold it, and it is dropped when the settings are loaded.
 */
export function withoutRetiredFields(config: MarketConfig & { min_stake?: bigint }): MarketConfig {
  const { min_stake: _retired, ...current } = config;
  return current;
}

/** The first problem with a configuration, or undefined when it is consistent. */
export function checkConfig(config: MarketConfig): string | undefined {
  const curve = config.multiplier_curve;
  if (curve.length === 0 || curve[0].utilization_bps !== 0) return 'multiplier_curve: must start at utilization 0';
  for (let i = 0; i < curve.length; i++) {
    const point = curve[i];
    if (point.utilization_bps > BPS) return 'multiplier_curve: utilization at most 10000 bps';
    if (point.multiplier_bps < BPS) return 'multiplier_curve: a multiplier below 10000 bps would undercut the provider';
    if (i > 0 && point.utilization_bps <= curve[i - 1].utilization_bps) return 'multiplier_curve: utilizations must increase';
    if (i > 0 && point.multiplier_bps < curve[i - 1].multiplier_bps) return 'multiplier_curve: multipliers must not fall';
  }
  if (config.max_multiplier_bps < BPS) return 'max_multiplier_bps: at least 10000';
  if (config.spares > 10) return 'spares: at most 10';
  if (config.default_reputation_bps > BPS) return 'default_reputation_bps: at most 10000';
  const w = config.weights;
  if (w.hardware + w.reputation + w.price + w.region_latency + w.load !== BPS) return 'weights: must sum to 10000 bps';
  if (config.latency_reference_ms === 0) return 'latency_reference_ms: must be more than zero';
  if (config.candidate_pool < 1) return 'candidate_pool: at least 1';
  if (config.max_reservation_ns === 0n) return 'max_reservation_ns: must be more than zero';
  if (config.job_timeout_ns < SWEEP_INTERVAL_NS) return `job_timeout_ns: at least the sweep interval, ${SWEEP_INTERVAL_NS} ns`;
}
