// Prices in integer arithmetic: bigint base units, bps factors, never floats. The consumer's charge is rounded
// up once, at the end, so no fraction of a unit is lost to the provider and the charge is never below the
// provider's own price times the factors.
import { BPS, type CurvePoint, type MarketConfig } from './config';
import type { Price } from './offer_types';
import type { Lane } from './job_types';

const BPS_N = BigInt(BPS);

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Used capacity of a model's active offers in bps; a model with no capacity counts as saturated. */
export function utilizationBps(load: number, capacity: number): number {
  if (capacity <= 0) return BPS;
  return Math.min(BPS, Math.floor((load * BPS) / capacity));
}

/**
 * The multiplier at a utilization, linear between curve points and rounded down (a published rate never exceeds
 * the curve), then capped. With a valid curve it is non-decreasing in utilization and at least 10,000.
 */
export function multiplierBps(config: Pick<MarketConfig, 'multiplier_curve' | 'max_multiplier_bps'>, utilization: number): number {
  const curve: CurvePoint[] = config.multiplier_curve;
  let value = curve[curve.length - 1].multiplier_bps;
  for (let i = 1; i < curve.length; i++) {
    const [a, b] = [curve[i - 1], curve[i]];
    if (utilization <= b.utilization_bps) {
      const span = b.utilization_bps - a.utilization_bps;
      value = a.multiplier_bps + Math.floor(((b.multiplier_bps - a.multiplier_bps) * (utilization - a.utilization_bps)) / span);
      break;
    }
  }
  return Math.min(value, config.max_multiplier_bps);
}

export function laneBps(lane: Lane, surchargeBps: number): number {
  return 'priority' in lane ? BPS + surchargeBps : BPS;
}

/** How many price units a job uses: 1 per request, or its token budget in thousands, rounded up. */
export function priceUnits(price: Price, maxTokens: number): bigint {
  return 'per_request' in price.unit ? 1n : ceilDiv(BigInt(maxTokens), 1_000n);
}

/** What one replica of a job costs the consumer: ceil(amount × units × multiplier × lane / 10,000²). */
export function quote(price: Price, maxTokens: number, multiplier: number, lane: number): bigint {
  return ceilDiv(price.amount * priceUnits(price, maxTokens) * BigInt(multiplier) * BigInt(lane), BPS_N * BPS_N);
}
