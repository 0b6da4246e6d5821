// Offers ("data units"): what a provider sells. Each type is an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { ModelId } from '../shared/models';

export const OfferId = IDL.Nat64;
export type OfferId = bigint;

// Compute capability in tenths (8.9 is 89), so it stays an integer and compares exactly.
export const Hardware = IDL.Record({
  gpu_model: IDL.Text,
  vram_gib: IDL.Nat32,
  compute_capability_x10: IDL.Nat32,
  cpu_cores: IDL.Nat32,
  ram_gib: IDL.Nat32,
});
export type Hardware = { gpu_model: string; vram_gib: number; compute_capability_x10: number; cpu_cores: number; ram_gib: number };

export const PriceUnit = IDL.Variant({ per_1k_tokens: IDL.Null, per_request: IDL.Null });
export type PriceUnit = { per_1k_tokens: null } | { per_request: null };

/** `amount` is in the payment token's base units, per `unit`. */
export const Price = IDL.Record({ unit: PriceUnit, amount: IDL.Nat });
export type Price = { unit: PriceUnit; amount: bigint };

/** The service an offer promises; a result later than p95_latency_ms refunds late_refund_bps of the job's price. */
export const Sla = IDL.Record({ p95_latency_ms: IDL.Nat32, uptime_bps: IDL.Nat16, late_refund_bps: IDL.Nat16 });
export type Sla = { p95_latency_ms: number; uptime_bps: number; late_refund_bps: number };

export const OfferStatus = IDL.Variant({ active: IDL.Null, paused: IDL.Null, retired: IDL.Null });
export type OfferStatus = { active: null } | { paused: null } | { retired: null };

/** What the provider states when creating or updating an offer. */
export const OfferTerms = IDL.Record({
  nodes: IDL.Vec(IDL.Principal),
  models: IDL.Vec(ModelId),
  hardware: Hardware,
  region: IDL.Text,
  price: Price,
  /** Base units per reserved slot per hour; 0 means the offer takes no reservations. */
  reservation_price_per_slot_hour: IDL.Nat,
  capacity: IDL.Nat32,
  sla: Sla,
});
export type OfferTerms = {
  nodes: Principal[];
  models: ModelId[];
  hardware: Hardware;
  region: string;
  price: Price;
  reservation_price_per_slot_hour: bigint;
  capacity: number;
  sla: Sla;
};

export const Offer = IDL.Record({
  id: OfferId,
  provider: IDL.Principal,
  terms: OfferTerms,
  /** Jobs running now; the marketplace counts them, the provider does not set them. */
  load: IDL.Nat32,
  status: OfferStatus,
  created_at: IDL.Nat64,
  updated_at: IDL.Nat64,
});
export type Offer = {
  id: OfferId;
  provider: Principal;
  terms: OfferTerms;
  load: number;
  status: OfferStatus;
  created_at: bigint;
  updated_at: bigint;
};

export const OfferError = IDL.Variant({
  InvalidInput: IDL.Text,
  NotFound: IDL.Null,
  Unauthorized: IDL.Text,
  Retired: IDL.Null,
  /** Capacity cannot drop below the jobs running now. */
  CapacityBelowLoad: IDL.Record({ load: IDL.Nat32 }),
  NoFreeSlot: IDL.Null,
  /** The provider has created as many offers as one provider may (retired ones count: they stay stored). */
  TooManyOffers: IDL.Record({ max: IDL.Nat32 }),
});
export type OfferError =
  | { InvalidInput: string }
  | { NotFound: null }
  | { Unauthorized: string }
  | { Retired: null }
  | { CapacityBelowLoad: { load: number } }
  | { NoFreeSlot: null }
  | { TooManyOffers: { max: number } };

export type OfferResult<T> = { Ok: T } | { Err: OfferError };
export const OfferResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: OfferError });
