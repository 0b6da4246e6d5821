// The identity canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/identity.did) and its TS shape. Used by the worker and the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Account } from '../../canisters/ledger/types';
import {
  BondedStakes,
  CertificationStatus,
  ClaimTicket,
  Hardware,
  Node,
  PendingSlash,
  ProviderStanding,
  RegisterRequest,
  Reputation,
  Result,
  Settings,
  SettingsUpdate,
  SlashRecord,
  Stake,
  UserAccount,
  Withdrawal,
  type Opt,
} from '../../canisters/identity/types';

import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';

export const IDENTITY_WASM = '.azle/identity/identity.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    update_settings: IDL.Func([SettingsUpdate], [Result(Settings)], []),
    register: IDL.Func([RegisterRequest], [Result(UserAccount)], []),
    get_account: IDL.Func([IDL.Principal], [IDL.Opt(UserAccount)], ['query']),
    set_certification: IDL.Func([IDL.Principal, CertificationStatus, IDL.Text], [Result(UserAccount)], []),
    standing: IDL.Func([IDL.Principal], [ProviderStanding], ['query']),
    register_node: IDL.Func([Hardware], [Result(ClaimTicket)], []),
    claim_node: IDL.Func([IDL.Text], [Result(Node)], []),
    retire_node: IDL.Func([IDL.Principal], [Result(Node)], []),
    get_node: IDL.Func([IDL.Principal], [IDL.Opt(Node)], ['query']),
    nodes_of: IDL.Func([IDL.Principal], [IDL.Vec(Node)], ['query']),
    stake_account: IDL.Func([], [Account], ['query']),
    get_stake: IDL.Func([IDL.Principal], [Stake], ['query']),
    bonded_stakes: IDL.Func([IDL.Nat64, IDL.Nat32], [BondedStakes], ['query']),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
    stake: IDL.Func([IDL.Nat], [Result(Stake)], []),
    unbond: IDL.Func([IDL.Nat], [Result(Stake)], []),
    withdraw: IDL.Func([], [Result(Withdrawal)], []),
    slash: IDL.Func([IDL.Principal, IDL.Nat, IDL.Text], [Result(SlashRecord)], []),
    slashes_of: IDL.Func([IDL.Principal], [IDL.Vec(SlashRecord)], ['query']),
    pending_slashes_of: IDL.Func([IDL.Principal], [IDL.Vec(PendingSlash)], ['query']),
    update_reputation: IDL.Func([IDL.Principal, IDL.Int32, IDL.Text], [Result(Reputation)], []),
    get_reputation: IDL.Func([IDL.Principal], [Reputation], ['query']),
  });

export type IdentityService = {
  version(): Promise<string>;
  settings(): Promise<Settings>;
  update_settings(update: SettingsUpdate): Promise<Result<Settings>>;
  register(request: RegisterRequest): Promise<Result<UserAccount>>;
  get_account(owner: Principal): Promise<Opt<UserAccount>>;
  set_certification(provider: Principal, status: CertificationStatus, reason: string): Promise<Result<UserAccount>>;
  standing(provider: Principal): Promise<ProviderStanding>;
  register_node(hardware: Hardware): Promise<Result<ClaimTicket>>;
  claim_node(code: string): Promise<Result<Node>>;
  retire_node(node: Principal): Promise<Result<Node>>;
  get_node(id: Principal): Promise<Opt<Node>>;
  nodes_of(provider: Principal): Promise<Node[]>;
  stake_account(): Promise<Account>;
  get_stake(provider: Principal): Promise<Stake>;
  bonded_stakes(offset: bigint, limit: number): Promise<BondedStakes>;
  claim_admin(): Promise<ClaimAdminResultT>;
  stake(amount: bigint): Promise<Result<Stake>>;
  unbond(amount: bigint): Promise<Result<Stake>>;
  withdraw(): Promise<Result<Withdrawal>>;
  slash(provider: Principal, amount: bigint, reason: string): Promise<Result<SlashRecord>>;
  slashes_of(provider: Principal): Promise<SlashRecord[]>;
  pending_slashes_of(provider: Principal): Promise<PendingSlash[]>;
  update_reputation(provider: Principal, deltaBps: number, reason: string): Promise<Result<Reputation>>;
  get_reputation(provider: Principal): Promise<Reputation>;
};
