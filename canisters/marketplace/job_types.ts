// Jobs: what a consumer asks for and the states a job passes through. IDL values and TS types under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { JobOutput } from '../bridge/types';
import { Generation } from '../shared/generation';
import { ModelId } from '../shared/models';
import { NoMatch } from './match_types';
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
  /** Run in the caller's reservation, already paid: no matching and no escrow; redundancy must be 1. */
  reservation: IDL.Opt(IDL.Nat64),
  /** The input itself, which the bridge sends to the worker: its UTF-8 must be input_bytes long and hash to input_hash. */
  input: IDL.Opt(IDL.Text),
  /** How a text generation samples, and whether its input is chat messages; none: greedy, the input a raw prompt. */
  generation: IDL.Opt(Generation),
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
  reservation: [] | [bigint];
  input: [] | [string];
  generation: [] | [Generation];
};

// submitted: matched, its price being escrowed; matched: escrowed, waiting for dispatch; rejected: the escrow
// could not be taken, so the job never held money; failed: escrowed but not delivered, its refund pending.
export const JobState = IDL.Variant({
  submitted: IDL.Null,
  rejected: IDL.Null,
  matched: IDL.Null,
  dispatched: IDL.Null,
  completed: IDL.Null,
  failed: IDL.Null,
  settled: IDL.Null,
  refunded: IDL.Null,
});
export type JobState =
  | { submitted: null }
  | { rejected: null }
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
  /** What the consumer pays: the quotes of the first `redundancy` offers, held in escrow by payment. */
  price: IDL.Nat,
  /** The model's creator and the royalty the model asks, as the registry said at submission. */
  creator: IDL.Principal,
  royalty_bps: IDL.Nat16,
  result_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  /** The nodes whose answers were accepted (the majority, when verified); empty means every replica that ran. */
  paid_nodes: IDL.Vec(IDL.Principal),
  /** The share of the price refunded because the result came later than the offer's SLA promised (0: on time). */
  late_refund_bps: IDL.Nat16,
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
  price: bigint;
  creator: Principal;
  royalty_bps: number;
  result_hash: [] | [Uint8Array];
  paid_nodes: Principal[];
  late_refund_bps: number;
  failure: [] | [string];
  created_at: bigint;
  updated_at: bigint;
};

export const JobEvent = IDL.Variant({
  Matched: IDL.Record({ offers: IDL.Vec(OfferId), quotes: IDL.Vec(IDL.Nat) }),
  Rejected: IDL.Text,
  Dispatched: IDL.Null,
  Completed: IDL.Record({ result_hash: IDL.Vec(IDL.Nat8), paid_nodes: IDL.Vec(IDL.Principal), late_refund_bps: IDL.Nat16 }),
  Failed: IDL.Text,
  Settled: IDL.Null,
  Refunded: IDL.Null,
});
export type JobEvent =
  | { Matched: { offers: OfferId[]; quotes: bigint[] } }
  | { Rejected: string }
  | { Dispatched: null }
  | { Completed: { result_hash: Uint8Array; paid_nodes: Principal[]; late_refund_bps: number } }
  | { Failed: string }
  | { Settled: null }
  | { Refunded: null };

export const JobError = IDL.Variant({
  InvalidInput: IDL.Text,
  InvalidTransition: IDL.Record({ from: JobState, event: IDL.Text }),
  NotFound: IDL.Null,
  Unauthorized: IDL.Text,
  /** A peer canister this needs (payment, model registry) is not named in the settings. */
  NotConfigured: IDL.Text,
  /** The model registry could not be reached; why, in words. */
  RegistryUnavailable: IDL.Text,
  UnknownModel: IDL.Record({ model: ModelId }),
  ModelNotAllowed: IDL.Record({ model: ModelId }),
  NoMatch: NoMatch,
  /** The payment canister refused or could not be reached; its error in words. */
  PaymentFailed: IDL.Text,
  /** Another call is settling or refunding this job right now. */
  Busy: IDL.Null,
  /** Governance paused job intake: no new jobs until it resumes; running jobs finish. */
  IntakePaused: IDL.Null,
  /**
   * run_job: the job was paid for and ran, and failed; why, in words. Its escrow was refunded (the price, less the
   * ledger fee) before this reply, unless payment could not be reached: then the sweep refunds it (see get_job).
   */
  JobFailed: IDL.Record({ job_id: JobId, reason: IDL.Text }),
});
export type JobError =
  | { InvalidInput: string }
  | { InvalidTransition: { from: JobState; event: string } }
  | { NotFound: null }
  | { Unauthorized: string }
  | { NotConfigured: string }
  | { RegistryUnavailable: string }
  | { UnknownModel: { model: ModelId } }
  | { ModelNotAllowed: { model: ModelId } }
  | { NoMatch: NoMatch }
  | { PaymentFailed: string }
  | { Busy: null }
  | { IntakePaused: null }
  | { JobFailed: { job_id: JobId; reason: string } };

export type JobResult<T> = { Ok: T } | { Err: JobError };
export const JobResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: JobError });

/** What run_job answers: the job, run inside the call, with the output the bridge stored for its consumer. */
export const JobRun = IDL.Record({ job: Job, output: JobOutput });
export type JobRun = { job: Job; output: JobOutput };

/** What the registry says about a job's model: who is paid the royalty, and how much the model asks. */
export type ModelTerms = { creator: Principal; royalty_bps: number };

export const JobPage = IDL.Record({ jobs: IDL.Vec(Job), total: IDL.Nat64 });
export type JobPage = { jobs: Job[]; total: bigint };

/** The published price factors of one model now: its live capacity, its load and what they make the multiplier. */
export const ModelRates = IDL.Record({
  model: ModelId,
  capacity: IDL.Nat32,
  load: IDL.Nat32,
  utilization_bps: IDL.Nat32,
  multiplier_bps: IDL.Nat32,
  priority_surcharge_bps: IDL.Nat32,
});
export type ModelRates = {
  model: ModelId;
  capacity: number;
  load: number;
  utilization_bps: number;
  multiplier_bps: number;
  priority_surcharge_bps: number;
};
