// The compact stable form of an offer round-trips every field, including large amounts and non-ASCII text.
import { describe, expect, it } from 'vitest';

import { decodeOffer, encodeOffer } from '../../../canisters/marketplace/offer_codec';
import type { Offer } from '../../../canisters/marketplace/offer_types';
import { terms, user } from './fixtures';

describe('offer codec', () => {
  it('round-trips offers exactly', () => {
    const offers: Offer[] = [
      { id: 0n, provider: user(1), terms: terms(), load: 0, status: { active: null }, created_at: 1n, updated_at: 1n },
      {
        id: 2n ** 40n,
        provider: user(7),
        terms: terms({
          nodes: [],
          models: [0n, 2n ** 63n, 127n, 128n],
          region: 'région-ü-東京',
          price: { unit: { per_request: null }, amount: 10n ** 30n },
          reservation_price_per_slot_hour: 0n,
          capacity: 4_294_967_295,
          hardware: { gpu_model: '', vram_gib: 0, compute_capability_x10: 4_294_967_295, cpu_cores: 1, ram_gib: 128 },
          sla: { p95_latency_ms: 0, uptime_bps: 10_000, late_refund_bps: 0 },
        }),
        load: 3,
        status: { retired: null },
        created_at: 1_700_000_000_000_000_000n,
        updated_at: 2n ** 64n - 1n,
      },
      { id: 5n, provider: user(2), terms: terms(), load: 1, status: { paused: null }, created_at: 9n, updated_at: 10n },
    ];
    for (const offer of offers) expect(decodeOffer(encodeOffer(offer))).toEqual(offer);
  });

  it('refuses bytes it did not write', () => {
    const bytes = encodeOffer({
      id: 0n,
      provider: user(1),
      terms: terms(),
      load: 0,
      status: { active: null },
      created_at: 1n,
      updated_at: 1n,
    });
    expect(() => decodeOffer(Uint8Array.from([...bytes, 0]))).toThrow('malformed');
    expect(() => decodeOffer(Uint8Array.from([9, ...bytes.slice(1)]))).toThrow('unknown format');
  });
});
