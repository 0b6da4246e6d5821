// Jobs: what a consumer asks for and the states a job passes through. IDL values and TS types under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { ModelId } from '../shared/models';
import { OfferId } from './offer_types';

export const JobId = IDL.Nat64;
export type JobId = bigint;

export const Lane = IDL.Variant({ standard: IDL.Null, priority: IDL.Null });
export type Lane = { standard: null } | { priority: null };

/** Minimums an offer's hardware must meet; 0 asks for nothing. */
export const HardwareRequirements = IDL.Record({
  min_vram_gib: IDL.Nat32,
  min_compute_capability_x10: IDL.Nat32,
  min_cpu_cores: IDL.Nat32,
  min_ram_gib: IDL.Nat32,
});
export type HardwareRequirements = { min_vram_gib: number; min_compute_capability_x10: number; min_cpu_cores: number; min_ram_gib: number };

export const JobRequest = IDL.Record({
  model: ModelId,
  input_hash: IDL.Vec(IDL.Nat8),
  input_bytes: IDL.Nat64,
  /** Token budget (input and output) that per-1,000-token prices are charged on. */
  max_tokens: IDL.Nat32,
  /** The most one replica may cost, in base units, lane and multiplier included. */
  max_price: IDL.Nat,
  redundancy: IDL.Nat8,
  lane: Lane,
  region: IDL.Opt(IDL.Text),
  hardware: HardwareRequirements,
});
export type JobRequest = {
  model: ModelId;
  input_hash: Uint8Array;
  input_bytes: bigint;
  max_tokens: number;
  max_price: bigint;
  redundancy: number;
  lane: Lane;
  region: [] | [string];
  hardware: HardwareRequirements;
};

export const JobState = IDL.Variant({
  submitted: IDL.Null,
  matched: IDL.Null,
  dispatched: IDL.Null,
  completed: IDL.Null,
  failed: IDL.Null,
  settled: IDL.Null,
  refunded: IDL.Null,
});
export type JobState =
  | { submitted: null }
  | { matched: null }
  | { dispatched: null }
  | { completed: null }
  | { failed: null }
  | { settled: null }
  | { refunded: null };

export const Job = IDL.Record({
  id: JobId,
  consumer: IDL.Principal,
  request: JobRequest,
  state: JobState,
  /** Chosen offers, the first `redundancy` to run and the rest spares. */
  offers: IDL.Vec(OfferId),
  /** What each chosen offer charges, in the order of `offers`. */
  quotes: IDL.Vec(IDL.Nat),
  result_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  failure: IDL.Opt(IDL.Text),
  created_at: IDL.Nat64,
  updated_at: IDL.Nat64,
});
export type Job = {
  id: JobId;
  consumer: Principal;
  request: JobRequest;
  state: JobState;
  offers: OfferId[];
  quotes: bigint[];
  result_hash: [] | [Uint8Array];
  failure: [] | [string];
  created_at: bigint;
  updated_at: bigint;
};

export const JobEvent = IDL.Variant({
  Matched: IDL.Record({ offers: IDL.Vec(OfferId), quotes: IDL.Vec(IDL.Nat) }),
  Dispatched: IDL.Null,
  Completed: IDL.Record({ result_hash: IDL.Vec(IDL.Nat8) }),
  Failed: IDL.Text,
  Settled: IDL.Null,
  Refunded: IDL.Null,
});
export type JobEvent =
  | { Matched: { offers: OfferId[]; quotes: bigint[] } }
  | { Dispatched: null }
  | { Completed: { result_hash: Uint8Array } }
  | { Failed: string }
  | { Settled: null }
  | { Refunded: null };

export const JobError = IDL.Variant({
  InvalidInput: IDL.Text,
  InvalidTransition: IDL.Record({ from: JobState, event: IDL.Text }),
});
export type JobError = { InvalidInput: string } | { InvalidTransition: { from: JobState; event: string } };

export type JobResult<T> = { Ok: T } | { Err: JobError };
export const JobResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: JobError });
