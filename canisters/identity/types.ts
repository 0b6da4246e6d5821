// The identity canister's interface types, each an IDL value and a TS type under one name.
// From @dfinity/candid (which azle re-exports) so tests and npm start can use them outside the canister.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Account } from '../ledger/types';

export type Opt<T> = [] | [T];

export const Role = IDL.Variant({ consumer: IDL.Null, provider: IDL.Null, model_creator: IDL.Null, auditor: IDL.Null });
export type Role = { consumer: null } | { provider: null } | { model_creator: null } | { auditor: null };

export const Profile = IDL.Record({ name: IDL.Text, region: IDL.Text, contact: IDL.Text });
export type Profile = { name: string; region: string; contact: string };

export const CertificationStatus = IDL.Variant({ pending: IDL.Null, certified: IDL.Null, suspended: IDL.Null });
export type CertificationStatus = { pending: null } | { certified: null } | { suspended: null };

// Who set the status last and why, so a suspended provider can be told the reason.
export const Certification = IDL.Record({
  status: CertificationStatus,
  updated_at: IDL.Nat64,
  updated_by: IDL.Opt(IDL.Principal),
  reason: IDL.Text,
});
export type Certification = { status: CertificationStatus; updated_at: bigint; updated_by: Opt<Principal>; reason: string };

export const UserAccount = IDL.Record({
  owner: IDL.Principal,
  roles: IDL.Vec(Role),
  profile: IDL.Opt(Profile),
  // Present once the account has the provider role.
  certification: IDL.Opt(Certification),
  created_at: IDL.Nat64,
});
export type UserAccount = {
  owner: Principal;
  roles: Role[];
  profile: Opt<Profile>;
  certification: Opt<Certification>;
  created_at: bigint;
};

export const RegisterRequest = IDL.Record({ roles: IDL.Vec(Role), profile: IDL.Opt(Profile) });
export type RegisterRequest = { roles: Role[]; profile: Opt<Profile> };

export const Hardware = IDL.Record({
  gpu_model: IDL.Opt(IDL.Text),
  vram_mib: IDL.Nat32,
  cpu_cores: IDL.Nat32,
  ram_mib: IDL.Nat32,
  description: IDL.Text,
});
export type Hardware = { gpu_model: Opt<string>; vram_mib: number; cpu_cores: number; ram_mib: number; description: string };

export const NodeStatus = IDL.Variant({ unclaimed: IDL.Null, claimed: IDL.Null, retired: IDL.Null });
export type NodeStatus = { unclaimed: null } | { claimed: null } | { retired: null };

export const Node = IDL.Record({
  id: IDL.Principal,
  hardware: Hardware,
  status: NodeStatus,
  provider: IDL.Opt(IDL.Principal),
  registered_at: IDL.Nat64,
  claimed_at: IDL.Opt(IDL.Nat64),
});
export type Node = {
  id: Principal;
  hardware: Hardware;
  status: NodeStatus;
  provider: Opt<Principal>;
  registered_at: bigint;
  claimed_at: Opt<bigint>;
};

export const ClaimTicket = IDL.Record({ code: IDL.Text, expires_at: IDL.Nat64 });
export type ClaimTicket = { code: string; expires_at: bigint };

export const Unbonding = IDL.Record({ amount: IDL.Nat, release_at: IDL.Nat64 });
export type Unbonding = { amount: bigint; release_at: bigint };

export const Stake = IDL.Record({ bonded: IDL.Nat, unbonding: IDL.Vec(Unbonding), slashed: IDL.Nat });
export type Stake = { bonded: bigint; unbonding: Unbonding[]; slashed: bigint };

/** A page of bonded stakes: each provider with stake bonded now, and how many stake entries there are in all. */
export const BondedStakes = IDL.Record({
  stakes: IDL.Vec(IDL.Record({ provider: IDL.Principal, bonded: IDL.Nat })),
  total: IDL.Nat64,
});
export type BondedStakes = { stakes: { provider: Principal; bonded: bigint }[]; total: bigint };
export const MAX_STAKES_PAGE = 500;

export const SlashRecord = IDL.Record({
  id: IDL.Nat64,
  provider: IDL.Principal,
  requested: IDL.Nat,
  amount: IDL.Nat,
  reason: IDL.Text,
  by: IDL.Principal,
  at: IDL.Nat64,
  // The ledger block of the transfer to the treasury.
  block: IDL.Nat,
});
/** A slash asked for while the provider was busy, applied by the next stake operation or the timer. */
export const PendingSlash = IDL.Record({
  id: IDL.Nat64,
  provider: IDL.Principal,
  requested: IDL.Nat,
  reason: IDL.Text,
  by: IDL.Principal,
  at: IDL.Nat64,
});
export type PendingSlash = { id: bigint; provider: Principal; requested: bigint; reason: string; by: Principal; at: bigint };

export type SlashRecord = {
  id: bigint;
  provider: Principal;
  requested: bigint;
  amount: bigint;
  reason: string;
  by: Principal;
  at: bigint;
  block: bigint;
};

export const ReputationChange = IDL.Record({
  at: IDL.Nat64,
  by: IDL.Principal,
  delta_bps: IDL.Int32,
  bps: IDL.Nat16,
  reason: IDL.Text,
});
export type ReputationChange = { at: bigint; by: Principal; delta_bps: number; bps: number; reason: string };

export const Reputation = IDL.Record({ bps: IDL.Nat16, history: IDL.Vec(ReputationChange) });
export type Reputation = { bps: number; history: ReputationChange[] };

export const Settings = IDL.Record({
  admin: IDL.Principal,
  certifiers: IDL.Vec(IDL.Principal),
  ledger: IDL.Opt(IDL.Principal),
  verification: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  // Where each change of a provider's standing is pushed, so matching never reads a stale one.
  marketplace: IDL.Opt(IDL.Principal),
  treasury: Account,
  min_stake: IDL.Nat,
  unbonding_delay_ns: IDL.Nat64,
  claim_code_ttl_ns: IDL.Nat64,
  // A local or test network's convenience: providers are certified as they register, with no certifier.
  auto_certify: IDL.Bool,
});
export type Settings = {
  admin: Principal;
  certifiers: Principal[];
  ledger: Opt<Principal>;
  verification: Opt<Principal>;
  bridge: Opt<Principal>;
  marketplace: Opt<Principal>;
  treasury: Account;
  min_stake: bigint;
  unbonding_delay_ns: bigint;
  claim_code_ttl_ns: bigint;
  auto_certify: boolean;
};

// What the admin changes: each present field replaces the setting of that name.
export const SettingsUpdate = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  certifiers: IDL.Opt(IDL.Vec(IDL.Principal)),
  ledger: IDL.Opt(IDL.Principal),
  verification: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  treasury: IDL.Opt(Account),
  min_stake: IDL.Opt(IDL.Nat),
  unbonding_delay_ns: IDL.Opt(IDL.Nat64),
  claim_code_ttl_ns: IDL.Opt(IDL.Nat64),
  auto_certify: IDL.Opt(IDL.Bool),
});
export type SettingsUpdate = {
  admin: Opt<Principal>;
  certifiers: Opt<Principal[]>;
  ledger: Opt<Principal>;
  verification: Opt<Principal>;
  bridge: Opt<Principal>;
  marketplace: Opt<Principal>;
  treasury: Opt<Account>;
  min_stake: Opt<bigint>;
  unbonding_delay_ns: Opt<bigint>;
  claim_code_ttl_ns: Opt<bigint>;
  auto_certify: Opt<boolean>;
};

// Every field is optional: the admin defaults to the installer, the rest to DEFAULTS in settings.ts.
export const InitArg = SettingsUpdate;
export type InitArg = SettingsUpdate;

export const IdentityError = IDL.Variant({
  InvalidInput: IDL.Text,
  Unauthorized: IDL.Text,
  NotFound: IDL.Text,
  InvalidTransition: IDL.Text,
  ClaimCodeUnknown: IDL.Null,
  ClaimCodeUsed: IDL.Null,
  ClaimCodeExpired: IDL.Record({ expired_at: IDL.Nat64 }),
  AlreadyClaimed: IDL.Record({ provider: IDL.Principal }),
  InsufficientStake: IDL.Record({ available: IDL.Nat }),
  NothingToWithdraw: IDL.Record({ next_release_at: IDL.Opt(IDL.Nat64) }),
  Busy: IDL.Null,
  LedgerNotSet: IDL.Null,
  LedgerError: IDL.Text,
  TooManyNodes: IDL.Record({ max: IDL.Nat32 }),
  TooManyUnbondings: IDL.Record({ max: IDL.Nat32 }),
  // The provider was busy in another ledger call: the slash is kept and applied when it is free.
  SlashPending: IDL.Record({ id: IDL.Nat64 }),
});
export type IdentityError =
  | { InvalidInput: string }
  | { Unauthorized: string }
  | { NotFound: string }
  | { InvalidTransition: string }
  | { ClaimCodeUnknown: null }
  | { ClaimCodeUsed: null }
  | { ClaimCodeExpired: { expired_at: bigint } }
  | { AlreadyClaimed: { provider: Principal } }
  | { InsufficientStake: { available: bigint } }
  | { NothingToWithdraw: { next_release_at: Opt<bigint> } }
  | { Busy: null }
  | { LedgerNotSet: null }
  | { LedgerError: string }
  | { TooManyNodes: { max: number } }
  | { TooManyUnbondings: { max: number } }
  | { SlashPending: { id: bigint } };

export type Result<T> = { Ok: T } | { Err: IdentityError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: IdentityError });

export const Withdrawal = IDL.Record({ amount: IDL.Nat, fee: IDL.Nat, block: IDL.Nat });
export type Withdrawal = { amount: bigint; fee: bigint; block: bigint };

// What the marketplace asks before matching a provider.
export const ProviderStanding = IDL.Record({
  certified: IDL.Bool,
  bonded: IDL.Nat,
  min_stake: IDL.Nat,
  reputation_bps: IDL.Nat16,
  matchable: IDL.Bool,
});
export type ProviderStanding = { certified: boolean; bonded: bigint; min_stake: bigint; reputation_bps: number; matchable: boolean };
