// A seeded synthetic market shared by the matching benchmarks: the same offers in pure TypeScript and
// inside the canister, so their figures compare.
import { Principal } from '@dfinity/principal';

import type { OfferTerms } from '../canisters/marketplace/offer_types';

export const MODELS = 50;
export const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south', 'ap-east'];
const GPUS: [string, number, number][] = [
  ['T4', 16, 75],
  ['A10', 24, 86],
  ['RTX 4090', 24, 89],
  ['L40S', 48, 89],
  ['A100', 80, 80],
  ['H100', 80, 90],
];

// Seeded, so every run builds the same market.
export { random } from '../tests/support/random';

/** A distinct, never anonymous principal for provider or node number n. */
export function principal(n: number): Principal {
  const bytes = new Uint8Array(29);
  new DataView(bytes.buffer).setUint32(0, n + 1);
  bytes[28] = 0x02;
  return Principal.fromUint8Array(bytes);
}

/** Offer number i: one model of MODELS, random hardware, region, price, capacity and SLA. */
export function offerTerms(rand: () => number, i: number): OfferTerms {
  const [gpu, vram, cc] = GPUS[Math.floor(rand() * GPUS.length)];
  return {
    nodes: [principal(1_000_000 + i)],
    models: [BigInt(i % MODELS)],
    hardware: {
      gpu_model: gpu,
      vram_gib: vram,
      compute_capability_x10: cc,
      cpu_cores: 4 + Math.floor(rand() * 60),
      ram_gib: 16 + Math.floor(rand() * 500),
    },
    region: REGIONS[Math.floor(rand() * REGIONS.length)],
    price:
      rand() < 0.3
        ? { unit: { per_request: null }, amount: BigInt(100 + Math.floor(rand() * 5_000)) }
        : { unit: { per_1k_tokens: null }, amount: BigInt(50 + Math.floor(rand() * 2_000)) },
    reservation_price_per_slot_hour: 0n,
    capacity: 1 + Math.floor(rand() * 8),
    sla: { p95_latency_ms: 200 + Math.floor(rand() * 5_000), uptime_bps: 9_900, late_refund_bps: 0 },
  };
}
