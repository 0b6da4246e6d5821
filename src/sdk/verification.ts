// The verification canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/verification.did) and its TS shape. Used by the tests.
import { IDL } from '@dfinity/candid';

import { Result, Settings, Verdict, VerificationConfig, VerifyRequest } from '../../canisters/verification/types';
import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';
import type {
  Result as ResultT,
  Settings as SettingsT,
  Verdict as VerdictT,
  VerifyRequest as VerifyRequestT,
  VerificationConfig as VerificationConfigT,
} from '../../canisters/verification/types';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    verify: IDL.Func([VerifyRequest], [Result(Verdict)], []),
    verdict_of: IDL.Func([IDL.Nat64], [IDL.Opt(Verdict)], ['query']),
    set_config: IDL.Func([VerificationConfig], [Result(Settings)], []),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
  });

export type VerificationService = {
  version(): Promise<string>;
  settings(): Promise<SettingsT>;
  verify(request: VerifyRequestT): Promise<ResultT<VerdictT>>;
  verdict_of(jobId: bigint): Promise<[] | [VerdictT]>;
  set_config(config: VerificationConfigT): Promise<ResultT<SettingsT>>;
  claim_admin(): Promise<ClaimAdminResultT>;
};
