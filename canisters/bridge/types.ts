// The bridge's interface types, each an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Generation } from '../shared/generation';

type Opt<T> = [] | [T];

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  identity: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  verification: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  audit_rate_bps: IDL.Opt(IDL.Nat16),
  dispute_deposit: IDL.Opt(IDL.Nat),
  /** Where worker runs are reported (one way); an upgrade argument naming one replaces it. */
  analytics: IDL.Opt(IDL.Principal),
});
export type InitArg = {
  admin: Opt<Principal>;
  identity: Opt<Principal>;
  marketplace: Opt<Principal>;
  verification: Opt<Principal>;
  payment: Opt<Principal>;
  audit_rate_bps: Opt<number>;
  dispute_deposit: Opt<bigint>;
  analytics: Opt<Principal>;
};

/** The share of settled single-replica jobs re-run on two other nodes and compared: 10% by default, as the seeds ask. */
export const DEFAULT_AUDIT_RATE_BPS = 1_000;
/** What a consumer puts down to dispute a result, in token base units: 0.01 of an 8-decimal token by default. */
export const DEFAULT_DISPUTE_DEPOSIT = 1_000_000n;

export type Settings = {
  admin: Principal;
  identity: Opt<Principal>;
  marketplace: Opt<Principal>;
  verification: Opt<Principal>;
  payment: Opt<Principal>;
  audit_rate_bps: number;
  dispute_deposit: bigint;
};
export const Settings = IDL.Record({
  admin: IDL.Principal,
  identity: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  verification: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  audit_rate_bps: IDL.Nat16,
  dispute_deposit: IDL.Nat,
});

export const Endpoint = IDL.Record({ node: IDL.Principal, provider: IDL.Principal, url: IDL.Text, registered_at: IDL.Nat64 });
export type Endpoint = { node: Principal; provider: Principal; url: string; registered_at: bigint };

export const JobKind = IDL.Variant({ text_generation: IDL.Null, embedding: IDL.Null });
export type JobKind = { text_generation: null } | { embedding: null };

/** What the marketplace hands over: the job, and the nodes to try in order (the runners first, then spares). */
export const DispatchRequest = IDL.Record({
  job_id: IDL.Nat64,
  consumer: IDL.Principal,
  kind: JobKind,
  model_sha256: IDL.Vec(IDL.Nat8),
  input: IDL.Text,
  max_tokens: IDL.Nat32,
  /** How many nodes must answer (1 to 3); with more than one, verification compares the answers. */
  redundancy: IDL.Nat8,
  nodes: IDL.Vec(IDL.Principal),
  /** The job's sampling, stop strings and chat flag, as the consumer asked (JobRequest.generation). */
  generation: IDL.Opt(Generation),
});
export type DispatchRequest = {
  job_id: bigint;
  consumer: Principal;
  kind: JobKind;
  model_sha256: Uint8Array;
  input: string;
  max_tokens: number;
  redundancy: number;
  nodes: Principal[];
  generation: Opt<Generation>;
};

/** A job's result as a worker answered it; the consumer reads it here, the marketplace settles on its hash. */
export const JobOutput = IDL.Record({
  job_id: IDL.Nat64,
  consumer: IDL.Principal,
  node: IDL.Principal,
  output_sha256: IDL.Vec(IDL.Nat8),
  tokens: IDL.Vec(IDL.Nat32),
  text: IDL.Opt(IDL.Text),
  vector: IDL.Vec(IDL.Float32),
  runtime: IDL.Text,
  completed_at: IDL.Nat64,
  /**
   * How many tokens the worker says the prompt (the chat template applied) took: for usage reports only. It is not
   * part of the hashed output, so neither verification nor audits check it.
   */
  prompt_tokens: IDL.Opt(IDL.Nat32),
});
export type JobOutput = {
  job_id: bigint;
  consumer: Principal;
  node: Principal;
  output_sha256: Uint8Array;
  tokens: number[];
  text: Opt<string>;
  vector: number[];
  runtime: string;
  completed_at: bigint;
  prompt_tokens: Opt<number>;
};

export const BridgeError = IDL.Variant({
  Unauthorized: IDL.Text,
  InvalidInput: IDL.Text,
  NotConfigured: IDL.Text,
  NotFound: IDL.Null,
  CallFailed: IDL.Text,
  NotDisputable: IDL.Text,
  /** The job ran inside the call (run) and failed; why, in words. The marketplace was told, and refunds it. */
  RunFailed: IDL.Text,
});
export type BridgeError =
  | { Unauthorized: string }
  | { InvalidInput: string }
  | { NotConfigured: string }
  | { NotFound: null }
  | { CallFailed: string }
  | { NotDisputable: string }
  | { RunFailed: string };

export type Result<T> = { Ok: T } | { Err: BridgeError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: BridgeError });

/** What a worker last said about itself: sent with each heartbeat. */
export const Heartbeat = IDL.Record({ queue: IDL.Nat32, tokens_per_second: IDL.Float64 });
export type Heartbeat = { queue: number; tokens_per_second: number };
export const Health = IDL.Record({ node: IDL.Principal, at: IDL.Nat64, queue: IDL.Nat32, tokens_per_second: IDL.Float64 });
export type Health = { node: Principal; at: bigint; queue: number; tokens_per_second: number };

/** A long job a worker acknowledged: only that node may post its result. */
export const Awaiting = IDL.Record({ request: DispatchRequest, node: IDL.Principal, accepted_at: IDL.Nat64 });
export type Awaiting = { request: DispatchRequest; node: Principal; accepted_at: bigint };

/** A random audit of a settled job: who re-ran it and what came of it. */
export const Audit = IDL.Record({ job_id: IDL.Nat64, auditors: IDL.Vec(IDL.Principal), outcome: IDL.Text, at: IDL.Nat64 });
export type Audit = { job_id: bigint; auditors: Principal[]; outcome: string; at: bigint };

/** Health probes of a node's /status: how many, how many failed, and the last one. */
export const Probes = IDL.Record({ node: IDL.Principal, probes: IDL.Nat64, failures: IDL.Nat64, last_ok: IDL.Bool, last_at: IDL.Nat64 });
export type Probes = { node: Principal; probes: bigint; failures: bigint; last_ok: boolean; last_at: bigint };

/** A job's outcome for the marketplace, kept until it is delivered. */
export const Outcome = IDL.Variant({
  completed: IDL.Record({ output_sha256: IDL.Vec(IDL.Nat8), paid_nodes: IDL.Vec(IDL.Principal) }),
  failed: IDL.Text,
});
export type Outcome = { completed: { output_sha256: Uint8Array; paid_nodes: Principal[] } } | { failed: string };

/**
 * A consumer's dispute of a job's result, decided by an audit: upheld (the runner disagreed with the auditors'
 * majority: slashed, the deposit returned and the majority's output delivered), rejected (the result stands: the
 * deposit is forfeited to the treasury) or undecided (too few auditors or no majority: the deposit is returned).
 */
export const DisputeState = IDL.Variant({ open: IDL.Null, upheld: IDL.Null, rejected: IDL.Null, undecided: IDL.Null });
export type DisputeState = { open: null } | { upheld: null } | { rejected: null } | { undecided: null };
export const Dispute = IDL.Record({
  job_id: IDL.Nat64,
  consumer: IDL.Principal,
  deposit: IDL.Nat,
  state: DisputeState,
  auditors: IDL.Vec(IDL.Principal),
  outcome: IDL.Text,
  /** Whether payment has returned or forfeited the deposit; the timer retries until it has. */
  deposit_resolved: IDL.Bool,
  opened_at: IDL.Nat64,
  resolved_at: IDL.Opt(IDL.Nat64),
});
export type Dispute = {
  job_id: bigint;
  consumer: Principal;
  deposit: bigint;
  state: DisputeState;
  auditors: Principal[];
  outcome: string;
  deposit_resolved: boolean;
  opened_at: bigint;
  resolved_at: Opt<bigint>;
};

/** Why a long job is re-run: a random audit, or a consumer's dispute. */
export const ReRunPurpose = IDL.Variant({ audit: IDL.Null, dispute: IDL.Null });
export type ReRunPurpose = { audit: null } | { dispute: null };

/**
 * An audit's or a dispute's re-run of a long job, handed to auditors with the long-job protocol (an outcall would
 * outlast its time limit): each acknowledged and posts its answer by submit_result, until the deadline.
 */
export const LongReRun = IDL.Record({
  job_id: IDL.Nat64,
  request: DispatchRequest,
  purpose: ReRunPurpose,
  /** The auditors given the job (named before each is asked, so an answer may come before the acknowledgement). */
  auditors: IDL.Vec(Endpoint),
  /** The auditors' posted answers, each as an output of its node. */
  answers: IDL.Vec(JobOutput),
  started_at: IDL.Nat64,
});
export type LongReRun = {
  job_id: bigint;
  request: DispatchRequest;
  purpose: ReRunPurpose;
  auditors: Endpoint[];
  answers: JobOutput[];
  started_at: bigint;
};
