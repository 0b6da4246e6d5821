// The governance canister's interface types, each an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Account } from '../ledger/types';
import { SettingsUpdate as IdentitySettingsUpdate } from '../identity/types';
import { MarketConfig } from '../marketplace/config';
import { Peers as MarketPeers } from '../marketplace/types';
import { PeersUpdate as PaymentPeers } from '../payment/settings';
import { PaymentConfig, Split } from '../payment/types';
import { VerificationConfig } from '../verification/types';

type Opt<T> = [] | [T];

/** Governance's own parameters, themselves changed only by proposal. */
export const Params = IDL.Record({
  voting_period_ns: IDL.Nat64,
  /** Votes cast (yes and no) as a share of the power snapshotted at creation, in bps, for a decision to count. */
  quorum_bps: IDL.Nat16,
  /** A proposal is adopted when yes votes are more than this share of the votes cast, in bps. */
  adoption_threshold_bps: IDL.Nat16,
  /** Between adoption (the end of the vote) and execution. */
  timelock_ns: IDL.Nat64,
  /** Taken from the proposer with ICRC-2 transfer_from; returned less one ledger fee unless rejected as spam. */
  proposal_deposit: IDL.Nat,
  /** How long tokens locked for voting stay locked after the last lock. */
  lock_period_ns: IDL.Nat64,
});
export type Params = {
  voting_period_ns: bigint;
  quorum_bps: number;
  adoption_threshold_bps: number;
  timelock_ns: bigint;
  proposal_deposit: bigint;
  lock_period_ns: bigint;
};

/** The suite governance administers after the hand-over, and the ledger it takes deposits and locks on. */
export const Peers = IDL.Record({
  ledger: IDL.Opt(IDL.Principal),
  identity: IDL.Opt(IDL.Principal),
  model_registry: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  verification: IDL.Opt(IDL.Principal),
  analytics: IDL.Opt(IDL.Principal),
  /** The OpenAI-compatible API, which the marketplace lets run jobs paid from any key owner's allowance. */
  api: IDL.Opt(IDL.Principal),
});
export type Peers = {
  ledger: Opt<Principal>;
  identity: Opt<Principal>;
  model_registry: Opt<Principal>;
  marketplace: Opt<Principal>;
  payment: Opt<Principal>;
  bridge: Opt<Principal>;
  verification: Opt<Principal>;
  analytics: Opt<Principal>;
  api: Opt<Principal>;
};
/** The canisters that take governance as their admin at bootstrap (the ledger has no admin). */
export const ADMINISTERED = ['identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'verification', 'analytics', 'api'] as const;

export const InitArg = IDL.Record({ admin: IDL.Opt(IDL.Principal), peers: Peers, params: IDL.Opt(Params) });
export type InitArg = { admin: Opt<Principal>; peers: Peers; params: Opt<Params> };

/** admin: the deployer, who may call bootstrap once; after it nobody holds the role. */
export const Settings = IDL.Record({ admin: IDL.Opt(IDL.Principal), bootstrapped: IDL.Bool, peers: Peers, params: Params });
export type Settings = { admin: Opt<Principal>; bootstrapped: boolean; peers: Peers; params: Params };

/** A parameter of a suite canister (or of governance) and its new value. */
export const Parameter = IDL.Variant({
  fee_split: Split,
  audit_rate_bps: IDL.Nat16,
  slash_rate_bps: IDL.Nat16,
  min_stake: IDL.Nat,
  unbonding_delay_ns: IDL.Nat64,
  royalty_cap_bps: IDL.Nat16,
  priority_surcharge_bps: IDL.Nat32,
  certifiers: IDL.Vec(IDL.Principal),
  governance: Params,
  /** The bridge's deposit for disputing a job (set_dispute_deposit). */
  dispute_deposit: IDL.Nat,
  /** The canisters whose events analytics records (set_reporters). */
  analytics_reporters: IDL.Vec(IDL.Principal),
  /** Payment's marketplace and bridge (set_peers; an empty opt keeps the one named). */
  payment_peers: PaymentPeers,
  /** The marketplace's peers (set_peers; an empty opt keeps the one named). */
  marketplace_peers: MarketPeers,
  /** Any of identity's settings but its admin (update_settings; an empty opt keeps the value). */
  identity_settings: IdentitySettingsUpdate,
  /** The marketplace's whole configuration (set_config). */
  market_config: MarketConfig,
  /** Payment's whole configuration: split, treasury, minimum escrow (set_config). */
  payment_config: PaymentConfig,
  /** Verification's whole configuration (set_config). */
  verification_config: VerificationConfig,
});
export type Parameter =
  | { fee_split: Split }
  | { audit_rate_bps: number }
  | { slash_rate_bps: number }
  | { min_stake: bigint }
  | { unbonding_delay_ns: bigint }
  | { royalty_cap_bps: number }
  | { priority_surcharge_bps: number }
  | { certifiers: Principal[] }
  | { governance: Params }
  | { dispute_deposit: bigint }
  | { analytics_reporters: Principal[] }
  | { payment_peers: PaymentPeers }
  | { marketplace_peers: MarketPeers }
  | { identity_settings: IdentitySettingsUpdate }
  | { market_config: MarketConfig }
  | { payment_config: PaymentConfig }
  | { verification_config: VerificationConfig };

export const Upgrade = IDL.Record({ canister: IDL.Principal, wasm_sha256: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8) });
export type Upgrade = { canister: Principal; wasm_sha256: Uint8Array; arg: Uint8Array };

export const Action = IDL.Variant({
  set_parameter: Parameter,
  upgrade_canister: Upgrade,
  /** Paid out of the payment canister's treasury subaccount (payment's withdraw_treasury, governance being its admin). */
  spend_treasury: IDL.Record({ amount: IDL.Nat, to: Account }),
  /** Paid out of governance's own reserve, where identity sends slashed stake (ledger_legs.ts); `to` gets amount - fee. */
  spend_reserve: IDL.Record({ amount: IDL.Nat, to: Account }),
  /** The marketplace's circuit breaker: true pauses job intake, false resumes it. */
  set_job_intake_paused: IDL.Bool,
  /** A motion: nothing is executed, the summary is what is decided. */
  text: IDL.Null,
});
export type Action =
  | { set_parameter: Parameter }
  | { upgrade_canister: Upgrade }
  | { spend_treasury: { amount: bigint; to: Account } }
  | { spend_reserve: { amount: bigint; to: Account } }
  | { set_job_intake_paused: boolean }
  | { text: null };

export const ProposalState = IDL.Variant({
  open: IDL.Null,
  adopted: IDL.Null,
  rejected: IDL.Null,
  executing: IDL.Null,
  executed: IDL.Record({ at: IDL.Nat64, outcome: IDL.Text }),
  /** The execution failed; the proposal may be executed again (execute_proposal). */
  failed: IDL.Record({ at: IDL.Nat64, reason: IDL.Text }),
});
export type ProposalState =
  | { open: null }
  | { adopted: null }
  | { rejected: null }
  | { executing: null }
  | { executed: { at: bigint; outcome: string } }
  | { failed: { at: bigint; reason: string } };

/** held during the vote; then to be returned or burned (a ledger transfer in flight or to retry), then done. */
export const DepositState = IDL.Variant({
  held: IDL.Null,
  returning: IDL.Null,
  burning: IDL.Null,
  returned: IDL.Record({ block: IDL.Nat }),
  burned: IDL.Record({ block: IDL.Nat }),
});
export type DepositState =
  { held: null } | { returning: null } | { burning: null } | { returned: { block: bigint } } | { burned: { block: bigint } };

export const Tally = IDL.Record({ yes: IDL.Nat, no: IDL.Nat, total_power: IDL.Nat });
export type Tally = { yes: bigint; no: bigint; total_power: bigint };

export const Proposal = IDL.Record({
  id: IDL.Nat64,
  proposer: IDL.Principal,
  summary: IDL.Text,
  action: Action,
  created_at: IDL.Nat64,
  voting_ends_at: IDL.Nat64,
  /** Quorum, threshold and timelock as they were at creation: a parameter change mid-vote changes nothing. */
  quorum_bps: IDL.Nat16,
  adoption_threshold_bps: IDL.Nat16,
  timelock_ns: IDL.Nat64,
  tally: Tally,
  state: ProposalState,
  deposit: IDL.Nat,
  deposit_state: DepositState,
  /** When the vote was decided: the created_at_time of the deposit's way out, so a retry is deduplicated. */
  decided_at: IDL.Opt(IDL.Nat64),
  executable_at: IDL.Opt(IDL.Nat64),
});
export type Proposal = {
  id: bigint;
  proposer: Principal;
  summary: string;
  action: Action;
  created_at: bigint;
  voting_ends_at: bigint;
  quorum_bps: number;
  adoption_threshold_bps: number;
  timelock_ns: bigint;
  tally: Tally;
  state: ProposalState;
  deposit: bigint;
  deposit_state: DepositState;
  decided_at: Opt<bigint>;
  executable_at: Opt<bigint>;
};

export const ProposalRequest = IDL.Record({ summary: IDL.Text, action: Action });
export type ProposalRequest = { summary: string; action: Action };

/** A voter's power in one proposal, fixed at its creation, and the vote cast with it. */
export const Ballot = IDL.Record({ power: IDL.Nat, vote: IDL.Opt(IDL.Bool) });
export type Ballot = { power: bigint; vote: Opt<boolean> };

/** Tokens locked in governance for voting power; withdrawable from unlock_at. */
export const Lock = IDL.Record({ amount: IDL.Nat, unlock_at: IDL.Nat64 });
export type Lock = { amount: bigint; unlock_at: bigint };

export const WasmUpload = IDL.Record({ chunks: IDL.Nat32, bytes: IDL.Nat64 });
export type WasmUpload = { chunks: number; bytes: bigint };

export const BootstrapReport = IDL.Record({ canisters: IDL.Vec(IDL.Principal) });
export type BootstrapReport = { canisters: Principal[] };

export const GovernanceError = IDL.Variant({
  Unauthorized: IDL.Text,
  InvalidInput: IDL.Text,
  NotFound: IDL.Null,
  NotConfigured: IDL.Text,
  /** The proposal is not in a state that allows this. */
  InvalidState: IDL.Text,
  /** The caller had no voting power when the proposal was created. */
  NoVotingPower: IDL.Null,
  AlreadyVoted: IDL.Null,
  VotingClosed: IDL.Null,
  StillLocked: IDL.Record({ unlock_at: IDL.Nat64 }),
  LedgerError: IDL.Text,
  /** A call to a suite canister failed; why, in words. */
  PeerError: IDL.Text,
  Busy: IDL.Null,
});
export type GovernanceError =
  | { Unauthorized: string }
  | { InvalidInput: string }
  | { NotFound: null }
  | { NotConfigured: string }
  | { InvalidState: string }
  | { NoVotingPower: null }
  | { AlreadyVoted: null }
  | { VotingClosed: null }
  | { StillLocked: { unlock_at: bigint } }
  | { LedgerError: string }
  | { PeerError: string }
  | { Busy: null };

export type Result<T> = { Ok: T } | { Err: GovernanceError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: GovernanceError });
