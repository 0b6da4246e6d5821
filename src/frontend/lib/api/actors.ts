// One agent per identity and one actor per canister, built from src/sdk's idlFactory and service types (the
// interfaces the build checks against candid/*.did): no method name is written by hand here.
import { Actor, HttpAgent, type Identity } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { idlFactory as analyticsIdl, type AnalyticsService } from '../../../sdk/analytics';
import { idlFactory as apiIdl, type ApiService } from '../../../sdk/api';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../sdk/bridge';
import { idlFactory as faucetIdl, type FaucetService } from '../../../sdk/faucet';
import { idlFactory as governanceIdl, type GovernanceService } from '../../../sdk/governance';
import { idlFactory as identityIdl, type IdentityService } from '../../../sdk/identity';
import { idlFactory as ledgerIdl, type LedgerService } from '../../../sdk/ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../../sdk/marketplace';
import { idlFactory as registryIdl, type RegistryService } from '../../../sdk/model_registry';
import { idlFactory as paymentIdl, type PaymentService } from '../../../sdk/payment';
import { idlFactory as verificationIdl, type VerificationService } from '../../../sdk/verification';
import type { AppConfig } from '../config';

export type Actors = {
  ledger: LedgerService;
  identity: IdentityService;
  model_registry: RegistryService;
  marketplace: MarketplaceService;
  payment: PaymentService;
  bridge: BridgeService;
  verification: VerificationService;
  governance: GovernanceService;
  analytics: AnalyticsService;
  /** Only on networks that have one (local and test networks). */
  faucet: FaucetService | undefined;
  /** The OpenAI-compatible API's keys; absent on a suite deployed before the api canister. */
  api: ApiService | undefined;
  /** The canisters' ids, for the accounts the ledger calls name (spenders). */
  ids: AppConfig['canisters'];
};

/** An agent for the configured network; the root key is fetched only on a local network (mainnet's is built in). */
export async function createAgent(config: AppConfig, identity: Identity): Promise<HttpAgent> {
  return HttpAgent.create({ host: config.host, identity, shouldFetchRootKey: config.local });
}

export function createActors(agent: HttpAgent, config: AppConfig): Actors {
  const make = <T>(idl: IDL.InterfaceFactory, canisterId: Principal): T => Actor.createActor<T>(idl, { agent, canisterId }) as T;
  const ids = config.canisters;
  return {
    ledger: make<LedgerService>(ledgerIdl, ids.ledger),
    identity: make<IdentityService>(identityIdl, ids.identity),
    model_registry: make<RegistryService>(registryIdl, ids.model_registry),
    marketplace: make<MarketplaceService>(marketplaceIdl, ids.marketplace),
    payment: make<PaymentService>(paymentIdl, ids.payment),
    bridge: make<BridgeService>(bridgeIdl, ids.bridge),
    verification: make<VerificationService>(verificationIdl, ids.verification),
    governance: make<GovernanceService>(governanceIdl, ids.governance),
    analytics: make<AnalyticsService>(analyticsIdl, ids.analytics),
    faucet: ids.faucet ? make<FaucetService>(faucetIdl, ids.faucet) : undefined,
    api: ids.api ? make<ApiService>(apiIdl, ids.api) : undefined,
    ids,
  };
}
