// The governance canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/governance.did) and its TS shape. Used by the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Ballot, BootstrapReport, Lock, Proposal, ProposalRequest, Result, Settings, WasmUpload } from '../../canisters/governance/types';
import type {
  Ballot as BallotT,
  BootstrapReport as BootstrapReportT,
  Lock as LockT,
  Proposal as ProposalT,
  ProposalRequest as ProposalRequestT,
  Result as ResultT,
  Settings as SettingsT,
  WasmUpload as WasmUploadT,
} from '../../canisters/governance/types';

export const GOVERNANCE_WASM = '.azle/governance/governance.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    bootstrap: IDL.Func([], [Result(BootstrapReport)], []),
    create_proposal: IDL.Func([ProposalRequest], [Result(Proposal)], []),
    vote: IDL.Func([IDL.Nat64, IDL.Bool], [Result(Proposal)], []),
    get_proposal: IDL.Func([IDL.Nat64], [IDL.Opt(Proposal)], ['query']),
    list_proposals: IDL.Func([IDL.Nat64, IDL.Nat32], [IDL.Vec(Proposal)], ['query']),
    ballot_of: IDL.Func([IDL.Nat64, IDL.Principal], [IDL.Opt(Ballot)], ['query']),
    execute_proposal: IDL.Func([IDL.Nat64], [Result(Proposal)], []),
    upload_wasm_chunk: IDL.Func([IDL.Nat64, IDL.Vec(IDL.Nat8)], [Result(WasmUpload)], []),
    wasm_upload: IDL.Func([IDL.Nat64], [WasmUpload], ['query']),
    lock_tokens: IDL.Func([IDL.Nat], [Result(Lock)], []),
    unlock_tokens: IDL.Func([], [Result(IDL.Nat)], []),
    lock_of: IDL.Func([IDL.Principal], [IDL.Opt(Lock)], ['query']),
  });

export type GovernanceService = {
  version(): Promise<string>;
  settings(): Promise<SettingsT>;
  bootstrap(): Promise<ResultT<BootstrapReportT>>;
  create_proposal(request: ProposalRequestT): Promise<ResultT<ProposalT>>;
  vote(id: bigint, yes: boolean): Promise<ResultT<ProposalT>>;
  get_proposal(id: bigint): Promise<[] | [ProposalT]>;
  list_proposals(offset: bigint, limit: number): Promise<ProposalT[]>;
  ballot_of(id: bigint, voter: Principal): Promise<[] | [BallotT]>;
  execute_proposal(id: bigint): Promise<ResultT<ProposalT>>;
  upload_wasm_chunk(id: bigint, chunk: Uint8Array): Promise<ResultT<WasmUploadT>>;
  wasm_upload(id: bigint): Promise<WasmUploadT>;
  lock_tokens(amount: bigint): Promise<ResultT<LockT>>;
  unlock_tokens(): Promise<ResultT<bigint>>;
  lock_of(holder: Principal): Promise<[] | [LockT]>;
};
