// The verification canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/verification.did) and its TS shape. Used by the tests.
import { IDL } from '@dfinity/candid';

import { Result, Settings, Verdict, VerifyRequest } from '../../canisters/verification/types';
import type {
  Result as ResultT,
  Settings as SettingsT,
  Verdict as VerdictT,
  VerifyRequest as VerifyRequestT,
} from '../../canisters/verification/types';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    verify: IDL.Func([VerifyRequest], [Result(Verdict)], []),
    verdict_of: IDL.Func([IDL.Nat64], [IDL.Opt(Verdict)], ['query']),
  });

export type VerificationService = {
  version(): Promise<string>;
  settings(): Promise<SettingsT>;
  verify(request: VerifyRequestT): Promise<ResultT<VerdictT>>;
  verdict_of(jobId: bigint): Promise<[] | [VerdictT]>;
};
