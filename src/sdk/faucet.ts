// The faucet canister's interface for agents (local and test networks only): an idlFactory built from the
// canister's own type declarations (the build checks those against candid/faucet.did) and its TS shape. Used by the
// CLI, npm start and the tests; the web app calls claim() signed by the user's identity.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Claimed, ClaimStatus, FaucetConfig, Result, Settings } from '../../canisters/faucet/types';
import type * as T from '../../canisters/faucet/types';

export const FAUCET_WASM = '.azle/faucet/faucet.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    claim_status: IDL.Func([IDL.Principal], [ClaimStatus], ['query']),
    claim: IDL.Func([], [Result(Claimed)], []),
    set_config: IDL.Func([FaucetConfig], [Result(Settings)], []),
  });

export type FaucetService = {
  version(): Promise<string>;
  settings(): Promise<T.Settings>;
  claim_status(who: Principal): Promise<T.ClaimStatus>;
  claim(): Promise<T.Result<T.Claimed>>;
  set_config(config: T.FaucetConfig): Promise<T.Result<T.Settings>>;
};
