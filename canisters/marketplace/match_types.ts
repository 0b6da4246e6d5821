// What matching answers: the chosen candidates with their score components, or, when too few offers qualify,
// why each offer of the model was excluded. IDL values and TS types under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { OfferId } from './offer_types';

/** Each component in bps (0 to 10,000); `total` is their weighted sum, also in bps. */
export const ScoreBreakdown = IDL.Record({
  hardware: IDL.Nat32,
  reputation: IDL.Nat32,
  price: IDL.Nat32,
  region_latency: IDL.Nat32,
  load: IDL.Nat32,
  total: IDL.Nat32,
});
export type ScoreBreakdown = { hardware: number; reputation: number; price: number; region_latency: number; load: number; total: number };

export const Candidate = IDL.Record({ offer: OfferId, provider: IDL.Principal, quote: IDL.Nat, score: ScoreBreakdown });
export type Candidate = { offer: OfferId; provider: Principal; quote: bigint; score: ScoreBreakdown };

export const HardwareField = IDL.Variant({ vram_gib: IDL.Null, compute_capability_x10: IDL.Null, cpu_cores: IDL.Null, ram_gib: IDL.Null });
export type HardwareField = { vram_gib: null } | { compute_capability_x10: null } | { cpu_cores: null } | { ram_gib: null };

export const Exclusion = IDL.Variant({
  WrongModel: IDL.Null,
  Paused: IDL.Null,
  Retired: IDL.Null,
  NoCapacity: IDL.Record({ capacity: IDL.Nat32, in_use: IDL.Nat32 }),
  HardwareTooSmall: IDL.Record({ field: HardwareField, required: IDL.Nat32, offered: IDL.Nat32 }),
  PriceAboveMax: IDL.Record({ quote: IDL.Nat, max: IDL.Nat }),
  ProviderNotCertified: IDL.Null,
  StakeBelowMinimum: IDL.Record({ stake: IDL.Nat, minimum: IDL.Nat }),
  /** Eligible, but another offer of the same provider ranked higher: replicas run on distinct providers. */
  SameProvider: IDL.Record({ chosen: OfferId }),
});
export type Exclusion =
  | { WrongModel: null }
  | { Paused: null }
  | { Retired: null }
  | { NoCapacity: { capacity: number; in_use: number } }
  | { HardwareTooSmall: { field: HardwareField; required: number; offered: number } }
  | { PriceAboveMax: { quote: bigint; max: bigint } }
  | { ProviderNotCertified: null }
  | { StakeBelowMinimum: { stake: bigint; minimum: bigint } }
  | { SameProvider: { chosen: OfferId } };

export const OfferExclusion = IDL.Record({ offer: OfferId, reasons: IDL.Vec(Exclusion) });
export type OfferExclusion = { offer: OfferId; reasons: Exclusion[] };

export const NoMatch = IDL.Record({
  needed: IDL.Nat8,
  eligible: IDL.Nat32,
  /** The model's live offers in id order, at most MAX_EXPLAINED, with all their reasons; eligible ones have none. */
  offers: IDL.Vec(OfferExclusion),
  /** Live offers of the model past the ones listed, counted rather than listed, so the reply stays small. */
  more_offers: IDL.Nat64,
  /** Live offers that do not serve the model, counted rather than listed. */
  other_model_offers: IDL.Nat64,
});
export type NoMatch = { needed: number; eligible: number; offers: OfferExclusion[]; more_offers: bigint; other_model_offers: bigint };

export const MatchOutcome = IDL.Variant({
  Matched: IDL.Record({ chosen: IDL.Vec(Candidate), spares: IDL.Vec(Candidate), multiplier_bps: IDL.Nat32 }),
  NoMatch: NoMatch,
});
export type MatchOutcome = { Matched: { chosen: Candidate[]; spares: Candidate[]; multiplier_bps: number } } | { NoMatch: NoMatch };

/** What the identity canister knows of a provider, passed in by the caller of matching. */
export type ProviderStanding = { certified: boolean; stake: bigint; reputation_bps: number };
