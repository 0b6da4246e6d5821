// What every command needs: an agent for the network with the identity in use, and the canisters' actors, their
// ids read from canister_ids.json as dfx (and npm start) write it.
import { Actor, type SignIdentity } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { existsSync, readFileSync } from 'node:fs';

import { idlFactory as analyticsIdl, type AnalyticsService } from '../sdk/analytics';
import { idlFactory as apiIdl, type ApiService } from '../sdk/api';
import { MarketClient } from '../sdk/client';
import { idlFactory as bridgeIdl, type BridgeService } from '../sdk/bridge';
import { idlFactory as faucetIdl, type FaucetService } from '../sdk/faucet';
import { idlFactory as governanceIdl, type GovernanceService } from '../sdk/governance';
import { idlFactory as identityIdl, type IdentityService } from '../sdk/identity';
import { apiBaseUrl, KeyClient } from '../sdk/keys';
import { idlFactory as ledgerIdl, type LedgerService } from '../sdk/ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../sdk/marketplace';
import { idlFactory as registryIdl, type RegistryService } from '../sdk/model_registry';
import { idlFactory as paymentIdl, type PaymentService } from '../sdk/payment';
import { createNetworkAgent } from '../shared/network_agent';

export type Options = { network: string; ids: string };

export async function connect(identity: SignIdentity, options: Options) {
  if (!existsSync(options.ids)) throw new Error(`no ${options.ids}: start the network with npm start, or pass --ids <canister_ids.json>`);
  const ids = JSON.parse(readFileSync(options.ids, 'utf8')) as Record<string, Record<string, string>>;
  const canister = (name: string): Principal => {
    // dfx keys each id by network: local, ic, or an ad-hoc network's name (npm run deploy -- --network <url>).
    const id = ids[name]?.local ?? ids[name]?.ic ?? Object.values(ids[name] ?? {})[0];
    if (id === undefined) throw new Error(`${options.ids} names no ${name} canister`);
    return Principal.fromText(id);
  };
  const agent = await createNetworkAgent(options.network, identity).catch((error: Error) => {
    throw new Error(`cannot reach ${options.network} (${error.message.split('\n')[0]}): is npm start running?`);
  });
  const actor = <T>(idl: IDL.InterfaceFactory, name: string) => Actor.createActor<T>(idl, { agent, canisterId: canister(name) });
  const economy = {
    ledger: actor<LedgerService>(ledgerIdl, 'ledger'),
    marketplace: actor<MarketplaceService>(marketplaceIdl, 'marketplace'),
    payment: actor<PaymentService>(paymentIdl, 'payment'),
    // Made on first use: the economy alone (its admin reporting job outcomes) serves every command but outputs.
    get bridge() {
      return actor<BridgeService>(bridgeIdl, 'bridge');
    },
  };
  return {
    me: identity.getPrincipal(),
    canister,
    ledger: economy.ledger,
    marketplace: economy.marketplace,
    payment: economy.payment,
    get bridge() {
      return economy.bridge;
    },
    // The job flow (quote, pay and submit, wait, output, recorded split), as any program using the SDK runs it.
    client: new MarketClient(economy, canister('payment')),
    identity: actor<IdentityService>(identityIdl, 'identity'),
    registry: actor<RegistryService>(registryIdl, 'model_registry'),
    analytics: actor<AnalyticsService>(analyticsIdl, 'analytics'),
    // Made on first use: a suite without governance (the economy alone) serves every other command.
    governance: () => actor<GovernanceService>(governanceIdl, 'governance'),
    // Only local and test networks have one (npm start deploys it).
    faucet: () => actor<FaucetService>(faucetIdl, 'faucet'),
    // Made on first use: a suite deployed before the api canister serves every other command.
    keys: () => new KeyClient({ api: actor<ApiService>(apiIdl, 'api'), ledger: economy.ledger }, canister('payment')),
    apiBaseUrl: () => apiBaseUrl(canister('api'), options.network),
  };
}

export type Connection = Awaited<ReturnType<typeof connect>>;
