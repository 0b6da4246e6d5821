// The bridge canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/bridge.did) and its TS shape. Used by the worker and the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { http_request_result, http_transform_args } from 'azle/canisters/management/idl';

import {
  Audit,
  DispatchRequest,
  Dispute,
  Endpoint,
  Health,
  Probes,
  Heartbeat,
  JobOutput,
  Result,
  Settings,
} from '../../canisters/bridge/types';
import type {
  Audit as AuditT,
  Dispute as DisputeT,
  Probes as ProbesT,
  Health as HealthT,
  Heartbeat as HeartbeatT,
  Result as ResultT,
  Endpoint as EndpointT,
  JobOutput as JobOutputT,
  DispatchRequest as DispatchRequestT,
  Settings as SettingsT,
} from '../../canisters/bridge/types';

import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';

export const BRIDGE_WASM = '.azle/bridge/bridge.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    register_endpoint: IDL.Func([IDL.Text], [Result(Endpoint)], []),
    endpoint_of: IDL.Func([IDL.Principal], [IDL.Opt(Endpoint)], ['query']),
    dispatch: IDL.Func([DispatchRequest], [Result(IDL.Null)], []),
    run: IDL.Func([DispatchRequest], [Result(JobOutput)], []),
    get_output: IDL.Func([IDL.Nat64], [Result(JobOutput)], ['query']),
    heartbeat: IDL.Func([Heartbeat], [Result(Health)], []),
    submit_result: IDL.Func([IDL.Nat64, IDL.Vec(IDL.Nat8)], [Result(JobOutput)], []),
    set_audit_rate: IDL.Func([IDL.Nat16], [Result(Settings)], []),
    audit_of: IDL.Func([IDL.Nat64], [IDL.Opt(Audit)], ['query']),
    probes_of: IDL.Func([IDL.Principal], [IDL.Opt(Probes)], ['query']),
    health_of: IDL.Func([IDL.Principal], [IDL.Opt(Health)], ['query']),
    set_dispute_deposit: IDL.Func([IDL.Nat], [Result(Settings)], []),
    dispute: IDL.Func([IDL.Nat64], [Result(Dispute)], []),
    dispute_of: IDL.Func([IDL.Nat64], [IDL.Opt(Dispute)], ['query']),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
    job_assignment: IDL.Func([IDL.Nat64], [IDL.Opt(IDL.Vec(IDL.Nat8))], ['query']),
    disputes_against: IDL.Func([IDL.Principal], [IDL.Vec(Dispute)], ['query']),
    // The IC calls these on the bridge's own outcalls; listed so the SDK declares the whole candid interface.
    transform: IDL.Func([http_transform_args], [http_request_result], ['query']),
    transform_status: IDL.Func([http_transform_args], [http_request_result], ['query']),
  });

export type BridgeService = {
  version(): Promise<string>;
  settings(): Promise<SettingsT>;
  register_endpoint(url: string): Promise<ResultT<EndpointT>>;
  endpoint_of(node: Principal): Promise<[] | [EndpointT]>;
  dispatch(request: DispatchRequestT): Promise<ResultT<null>>;
  /** The marketplace's only: a short job run inside the call, its output or RunFailed. */
  run(request: DispatchRequestT): Promise<ResultT<JobOutputT>>;
  get_output(jobId: bigint): Promise<ResultT<JobOutputT>>;
  heartbeat(beat: HeartbeatT): Promise<ResultT<HealthT>>;
  submit_result(jobId: bigint, answer: Uint8Array): Promise<ResultT<JobOutputT>>;
  set_audit_rate(bps: number): Promise<ResultT<SettingsT>>;
  audit_of(jobId: bigint): Promise<[] | [AuditT]>;
  probes_of(node: Principal): Promise<[] | [ProbesT]>;
  health_of(node: Principal): Promise<[] | [HealthT]>;
  set_dispute_deposit(amount: bigint): Promise<ResultT<SettingsT>>;
  dispute(jobId: bigint): Promise<ResultT<DisputeT>>;
  dispute_of(jobId: bigint): Promise<[] | [DisputeT]>;
  claim_admin(): Promise<ClaimAdminResultT>;
  /** sha256 of the body the bridge posts for the job, when the caller is a node holding it now. */
  job_assignment(jobId: bigint): Promise<[] | [Uint8Array]>;
  /** The disputes of jobs the provider's nodes ran, newest first, at most 50. */
  disputes_against(provider: Principal): Promise<DisputeT[]>;
  transform(args: http_transform_args): Promise<http_request_result>;
  transform_status(args: http_transform_args): Promise<http_request_result>;
};
