// The score of an eligible offer for a job: five components in bps and their weighted sum. Integer arithmetic
// throughout, so the same inputs rank the same way on every replica of the canister.
import { BPS, clampBps, type MarketConfig } from './config';
import type { JobRequest } from './job_types';
import type { ScoreBreakdown } from './match_types';
import type { Offer } from './offer_types';

/**
 * How tightly the hardware fits the requirements: the mean of required/offered over VRAM, CPU cores and RAM.
 * A tight fit scores higher so large machines stay free for the jobs that need them; no requirement fits fully.
 */
export function hardwareFit(offer: Offer, request: JobRequest): number {
  const pairs = [
    [request.hardware.min_vram_gib, offer.terms.hardware.vram_gib],
    [request.hardware.min_cpu_cores, offer.terms.hardware.cpu_cores],
    [request.hardware.min_ram_gib, offer.terms.hardware.ram_gib],
  ];
  const fits = pairs.map(([required, offered]) => (required === 0 ? BPS : clampBps((required * BPS) / offered)));
  return Math.floor(fits.reduce((a, b) => a + b, 0) / fits.length);
}

/** The share of the maximum price the consumer keeps: 10,000 for a free replica, 0 at the maximum. */
export function priceScore(quote: bigint, max: bigint): number {
  if (max === 0n) return BPS;
  return Number(((max - quote) * BigInt(BPS)) / max);
}

/** Half region (same region full, same continent half, elsewhere none; no preference full), half SLA latency. */
export function regionLatency(offer: Offer, request: JobRequest, config: MarketConfig): number {
  const wanted = request.region[0];
  const region = offer.terms.region;
  const regionPart = wanted === undefined || wanted === region ? BPS : wanted.split('-')[0] === region.split('-')[0] ? BPS / 2 : 0;
  const reference = config.latency_reference_ms;
  const latencyPart = clampBps(((reference - Math.min(reference, offer.terms.sla.p95_latency_ms)) * BPS) / reference);
  return Math.floor((regionPart + latencyPart) / 2);
}

/** Free share of the capacity, counting running jobs and reservations. */
export function loadScore(capacity: number, inUse: number): number {
  return clampBps(((capacity - inUse) * BPS) / capacity);
}

export function score(
  offer: Offer,
  request: JobRequest,
  quote: bigint,
  reputationBps: number,
  inUse: number,
  config: MarketConfig,
): ScoreBreakdown {
  const parts = {
    hardware: hardwareFit(offer, request),
    reputation: clampBps(reputationBps),
    price: priceScore(quote, request.max_price),
    region_latency: regionLatency(offer, request, config),
    load: loadScore(offer.terms.capacity, inUse),
  };
  const w = config.weights;
  const weighted =
    parts.hardware * w.hardware +
    parts.reputation * w.reputation +
    parts.price * w.price +
    parts.region_latency * w.region_latency +
    parts.load * w.load;
  return { ...parts, total: Math.floor(weighted / BPS) };
}
