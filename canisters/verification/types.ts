// The verification canister's interface types, each an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

type Opt<T> = [] | [T];

/** Parameters; governance will set them. slash_bps of a dissenter's stake (bonded and unbonding), reputation lost in bps. */
export const VerificationConfig = IDL.Record({ slash_bps: IDL.Nat16, reputation_penalty_bps: IDL.Nat16, embedding_tolerance: IDL.Float64 });
export type VerificationConfig = { slash_bps: number; reputation_penalty_bps: number; embedding_tolerance: number };
export const DEFAULT_CONFIG: VerificationConfig = { slash_bps: 1_000, reputation_penalty_bps: 1_000, embedding_tolerance: 1e-4 };

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  identity: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  config: IDL.Opt(VerificationConfig),
  /** Where slashes are reported (one way); an upgrade argument naming one replaces it. */
  analytics: IDL.Opt(IDL.Principal),
});
export type InitArg = {
  admin: Opt<Principal>;
  identity: Opt<Principal>;
  bridge: Opt<Principal>;
  config: Opt<VerificationConfig>;
  analytics: Opt<Principal>;
};

export const Settings = IDL.Record({
  admin: IDL.Principal,
  identity: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  config: VerificationConfig,
});
export type Settings = { admin: Principal; identity: Opt<Principal>; bridge: Opt<Principal>; config: VerificationConfig };

export const Answer = IDL.Record({
  node: IDL.Principal,
  provider: IDL.Principal,
  output_sha256: IDL.Vec(IDL.Nat8),
  vector: IDL.Vec(IDL.Float32),
});
export type Answer = { node: Principal; provider: Principal; output_sha256: Uint8Array; vector: number[] };

export const VerifyRequest = IDL.Record({ job_id: IDL.Nat64, embedding: IDL.Bool, answers: IDL.Vec(Answer) });
export type VerifyRequest = { job_id: bigint; embedding: boolean; answers: Answer[] };

/** A slash verification asked identity for, and what came of it. */
export const Penalty = IDL.Record({ provider: IDL.Principal, node: IDL.Principal, slashed: IDL.Nat, outcome: IDL.Text });
export type Penalty = { provider: Principal; node: Principal; slashed: bigint; outcome: string };

export const Verdict = IDL.Record({
  job_id: IDL.Nat64,
  /** The majority's output hash; absent when no majority was found and the job goes to audit. */
  output_sha256: IDL.Opt(IDL.Vec(IDL.Nat8)),
  agreeing: IDL.Vec(IDL.Principal),
  dissenting: IDL.Vec(IDL.Principal),
  penalties: IDL.Vec(Penalty),
  at: IDL.Nat64,
});
export type Verdict = {
  job_id: bigint;
  output_sha256: Opt<Uint8Array>;
  agreeing: Principal[];
  dissenting: Principal[];
  penalties: Penalty[];
  at: bigint;
};

export const VerificationError = IDL.Variant({ Unauthorized: IDL.Text, InvalidInput: IDL.Text, NotConfigured: IDL.Text });
export type VerificationError = { Unauthorized: string } | { InvalidInput: string } | { NotConfigured: string };
export type Result<T> = { Ok: T } | { Err: VerificationError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: VerificationError });
