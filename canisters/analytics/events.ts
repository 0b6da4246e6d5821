// What the other canisters report to analytics, one event per job state change, settlement, slash or worker run.
// IDL values and TS types under one name; the reporters import these to encode their one-way calls.
// Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { JobState } from '../marketplace/job_types';

// A job's stage is the marketplace's job state it reports.
export const JobStage = JobState;
export type JobStage = JobState;

/** A job reached `stage` (from the marketplace). */
export const JobReport = IDL.Record({
  job_id: IDL.Nat64,
  stage: JobStage,
  model: IDL.Nat64,
  consumer: IDL.Principal,
  /** The providers of the replicas that run (or, once completed, of the nodes paid). */
  providers: IDL.Vec(IDL.Principal),
  /** The region of the offer that runs the job first. */
  region: IDL.Opt(IDL.Text),
  /** What the consumer pays, in base units (0 before matching and in a reservation). */
  price: IDL.Nat,
  /** From submission to the result, on `completed`. */
  latency_ms: IDL.Opt(IDL.Nat64),
  at: IDL.Nat64,
});
export type JobReport = {
  job_id: bigint;
  stage: JobStage;
  model: bigint;
  consumer: Principal;
  providers: Principal[];
  region: [] | [string];
  price: bigint;
  latency_ms: [] | [bigint];
  at: bigint;
};

export const PayeeRole = IDL.Variant({ provider: IDL.Null, creator: IDL.Null, treasury: IDL.Null });
export type PayeeRole = { provider: null } | { creator: null } | { treasury: null };

export const Credit = IDL.Record({ owner: IDL.Principal, role: PayeeRole, amount: IDL.Nat });
export type Credit = { owner: Principal; role: PayeeRole; amount: bigint };

/**
 * An escrow closed (from payment): `escrow` came from the consumer, `refund` is what reached them back, `credits`
 * went to the payees and `ledger_fees` to the ledger for the legs out of the escrow (sweep and refund), so
 * escrow == refund + ledger_fees + the credits.
 */
export const PaymentReport = IDL.Record({
  job_id: IDL.Nat64,
  consumer: IDL.Principal,
  escrow: IDL.Nat,
  refund: IDL.Nat,
  ledger_fees: IDL.Nat,
  credits: IDL.Vec(Credit),
  at: IDL.Nat64,
});
export type PaymentReport = {
  job_id: bigint;
  consumer: Principal;
  escrow: bigint;
  refund: bigint;
  ledger_fees: bigint;
  credits: Credit[];
  at: bigint;
};

/** A provider lost stake for a node that disagreed (from verification). */
export const SlashReport = IDL.Record({ job_id: IDL.Nat64, provider: IDL.Principal, node: IDL.Principal, amount: IDL.Nat, at: IDL.Nat64 });
export type SlashReport = { job_id: bigint; provider: Principal; node: Principal; amount: bigint; at: bigint };

/** A worker answered a job (from the bridge): the tokens it produced and how long the outcall took. */
export const RunReport = IDL.Record({
  job_id: IDL.Nat64,
  node: IDL.Principal,
  provider: IDL.Principal,
  tokens: IDL.Nat64,
  run_ms: IDL.Nat64,
  at: IDL.Nat64,
});
export type RunReport = { job_id: bigint; node: Principal; provider: Principal; tokens: bigint; run_ms: bigint; at: bigint };

export const Event = IDL.Variant({ job: JobReport, payment: PaymentReport, slash: SlashReport, run: RunReport });
export type Event = { job: JobReport } | { payment: PaymentReport } | { slash: SlashReport } | { run: RunReport };

/** The most events one `record` call takes. */
export const MAX_BATCH = 100;
