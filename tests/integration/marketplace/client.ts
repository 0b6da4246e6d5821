// The marketplace for the integration tests and the benchmarks: where its Wasm is, its setup, and its interface
// from src/sdk.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { InitArg } from '../../../canisters/marketplace/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type MarketplaceService } from '../../../src/sdk/marketplace';

export { idlFactory, type MarketplaceService };

export const MARKETPLACE_WASM = '.azle/marketplace/marketplace.wasm';

/** Installs the marketplace as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupMarketplace(network: LocalNetwork, deployer: Principal, arg?: InitArg) {
  return network.setupCanister<MarketplaceService>({
    wasm: MARKETPLACE_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]])),
  });
}
