// The model registry for the integration tests: where its Wasm is, its setup, and its interface from src/sdk.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { InitArg } from '../../../canisters/model_registry/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type RegistryService } from '../../../src/sdk/model_registry';

export { idlFactory, type RegistryService };

export const REGISTRY_WASM = '.azle/model_registry/model_registry.wasm';

/** Installs the registry as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupRegistry(network: LocalNetwork, deployer: Principal, arg?: InitArg) {
  return network.setupCanister<RegistryService>({
    wasm: REGISTRY_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]])),
  });
}
