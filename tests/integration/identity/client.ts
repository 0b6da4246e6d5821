// The identity canister for the integration tests: where its Wasm is, its setup, and its interface from src/sdk.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { NO_CHANGES } from '../../../canisters/identity/settings';
import { InitArg } from '../../../canisters/identity/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type IdentityService } from '../../../src/sdk/identity';

export { idlFactory, type IdentityService };

export const IDENTITY_WASM = '.azle/identity/identity.wasm';


export function encodeInitArg(arg: InitArg): Uint8Array {
  return new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]]));
}

/** Installs identity as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupIdentity(network: LocalNetwork, deployer: Principal, arg?: Partial<InitArg>) {
  const installed = await network.setupCanister<IdentityService>({
    wasm: IDENTITY_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : encodeInitArg({ ...NO_CHANGES, ...arg }),
  });
  // Runs azle's init timer, which seeds the random claim codes from raw_rand.
  await network.tick();
  return installed;
}
