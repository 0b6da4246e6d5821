// The latency an offer promises, and what a late result costs its provider. Pure: no 'azle' import.
import type { Sla } from './offer_types';

const NS_PER_MS = 1_000_000n;

/**
 * The share of the price refunded to the consumer: the offer's late_refund_bps when the time from dispatch to the
 * result passed its p95 latency, else 0. A job never dispatched (completed by hand) has no latency to judge.
 */
export function lateRefundBps(dispatchedAt: bigint | undefined, completedAt: bigint, sla: Sla): number {
  if (dispatchedAt === undefined || sla.late_refund_bps === 0) return 0;
  return completedAt - dispatchedAt > BigInt(sla.p95_latency_ms) * NS_PER_MS ? sla.late_refund_bps : 0;
}
