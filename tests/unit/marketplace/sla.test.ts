import { describe, expect, it } from 'vitest';

import { lateRefundBps } from '../../../canisters/marketplace/sla';

const MS = 1_000_000n;
const sla = { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 2_500 };

describe('the latency an offer promises', () => {
  it('refunds the declared share only for a result later than the p95 latency', () => {
    expect(lateRefundBps(0n, 2_000n * MS, sla)).toBe(0);
    expect(lateRefundBps(0n, 2_000n * MS + 1n, sla)).toBe(2_500);
    expect(lateRefundBps(10n * MS, 2_005n * MS, sla)).toBe(0);
  });

  it('refunds nothing when the offer declares nothing, or the job was never dispatched', () => {
    expect(lateRefundBps(0n, 60_000n * MS, { ...sla, late_refund_bps: 0 })).toBe(0);
    expect(lateRefundBps(undefined, 60_000n * MS, sla)).toBe(0);
  });
});
