// Map-backed offer store (the canister's is stable memory), sample terms and job requests, and a seeded generator for the marketplace's unit tests.
import { Principal } from '@dfinity/principal';

import { DEFAULT_CONFIG, type MarketConfig } from '../../../canisters/marketplace/config';
import { providerKey, type MatchContext } from '../../../canisters/marketplace/eligibility';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import type { ProviderStanding } from '../../../canisters/marketplace/match_types';
import type { Offer, OfferId, OfferTerms } from '../../../canisters/marketplace/offer_types';
import type { LiveStore } from '../../../canisters/marketplace/live_offers';
import { OfferBook, type OfferStore } from '../../../canisters/marketplace/offers';

export { random } from '../../support/random';

/** A distinct, stable principal per number. */
export function user(n: number): Principal {
  const bytes = new Uint8Array(29);
  new DataView(bytes.buffer).setUint32(0, n + 1);
  return Principal.fromUint8Array(bytes);
}

/** The live sets' blocks and counts in maps. */
export function memoryLive(): LiveStore {
  const blocks = new Map<string, Uint8Array>();
  const counts = new Map<bigint, number>();
  let total = 0;
  return {
    block: (model, chunk) => blocks.get(`${model}/${chunk}`),
    setBlock: (model, chunk, bits) => void blocks.set(`${model}/${chunk}`, bits),
    count: (model) => counts.get(model) ?? 0,
    setCount: (model, count) => void counts.set(model, count),
    total: () => total,
    setTotal: (value) => void (total = value),
  };
}

export function memoryOffers(): OfferStore & { map: Map<OfferId, Offer> } {
  const map = new Map<OfferId, Offer>();
  const byProvider = new Map<string, OfferId[]>();
  return {
    map,
    get: (id) => map.get(id),
    put: (offer) => void map.set(offer.id, offer),
    count: () => BigInt(map.size),
    providers: {
      ids: (key) => byProvider.get(key) ?? [],
      add: (key, id) => void byProvider.set(key, [...(byProvider.get(key) ?? []), id]),
    },
    live: memoryLive(),
  };
}

export function terms(overrides: Partial<OfferTerms> = {}): OfferTerms {
  return {
    nodes: [user(1000)],
    models: [1n],
    hardware: { gpu_model: 'RTX 4090', vram_gib: 24, compute_capability_x10: 89, cpu_cores: 16, ram_gib: 64 },
    region: 'eu-west',
    price: { unit: { per_1k_tokens: null }, amount: 100n },
    reservation_price_per_slot_hour: 1_000n,
    capacity: 4,
    sla: { p95_latency_ms: 1_000, uptime_bps: 9_900, late_refund_bps: 0 },
    ...overrides,
  };
}

export function job(overrides: Partial<JobRequest> = {}): JobRequest {
  return {
    model: 1n,
    input_hash: new Uint8Array(32).fill(1),
    input_bytes: 100n,
    max_tokens: 2_000,
    max_price: 1_000n,
    redundancy: 1,
    lane: { standard: null },
    region: [],
    hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [],
    generation: [],
    ...overrides,
  };
}

export const GOOD: ProviderStanding = { certified: true, stake: 1_000n, reputation_bps: 8_000 };

/** A context with the given providers' (by number) standings and identity's minimum stake. */
export function context(standings: [number, ProviderStanding][] = [], config: MarketConfig = DEFAULT_CONFIG, minStake = 0n): MatchContext {
  return { config, minStake, providers: new Map(standings.map(([n, standing]) => [providerKey(user(n)), standing])) };
}

export function setup() {
  const store = memoryOffers();
  return { store, book: new OfferBook(store) };
}

export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return result.Ok;
}
