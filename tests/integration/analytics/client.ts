// The analytics canister for the integration tests: where its Wasm is, its setup, and its interface from src/sdk.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { InitArg } from '../../../canisters/analytics/settings';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type AnalyticsService } from '../../../src/sdk/analytics';

export { idlFactory, type AnalyticsService };

export const ANALYTICS_WASM = '.azle/analytics/analytics.wasm';

/** Installs analytics as `deployer` (its admin), accepting events from `reporters`. */
export async function setupAnalytics(network: LocalNetwork, deployer: Principal, reporters: Principal[]) {
  const arg = new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[{ admin: [], reporters }]]));
  const installed = await network.setupCanister<AnalyticsService>({
    wasm: ANALYTICS_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg,
  });
  await network.tick();
  return installed;
}
