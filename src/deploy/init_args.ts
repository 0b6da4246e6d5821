// What deploySuite (npm start, npm run deploy, the tests) passes to each canister's init when it deploys the suite:
// the deployer mints the local token and administers the registry and identity, and each canister
// learns its peers' ids (all canisters are created before any is installed). Canisters not named
// here take no argument.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { LedgerInit } from '../../canisters/ledger/types.js';
import { InitArg as IdentityInit } from '../../canisters/identity/types.js';
import { InitArg as PaymentInit } from '../../canisters/payment/settings.js';
import { InitArg as RegistryInit } from '../../canisters/model_registry/types.js';
import { InitArg as MarketplaceInit } from '../../canisters/marketplace/types.js';
import { InitArg as BridgeInit } from '../../canisters/bridge/types.js';
import { InitArg as VerificationInit } from '../../canisters/verification/types.js';
import { InitArg as AnalyticsInit } from '../../canisters/analytics/settings.js';
import { reserveAccount } from '../../canisters/governance/ledger_legs.js';
import { ADMINISTERED, InitArg as GovernanceInit, type Params as GovernanceParams } from '../../canisters/governance/types.js';
import { InitArg as FaucetInit } from '../../canisters/faucet/types.js';
import { InitArg as ApiInit } from '../../canisters/api/types.js';

/** The local token: 8 decimals and a fee of 10,000 base units, as ICP has. */
export const LOCAL_TOKEN = { name: 'Local Inference Token', symbol: 'LIT', decimals: 8, fee: 10_000n };

/** The canisters that report events to analytics. */
export const REPORTERS = ['marketplace', 'payment', 'bridge', 'verification'];

/**
 * `local`: a local network (npm start), never `ic`: its settings are made for trying the suite out by hand
 * (governance's short periods below).
 */
export type Deployment = { deployer: Principal; ids: Record<string, Principal>; local?: boolean };

const SECOND = 1_000_000_000n;

/**
 * Governance's parameters on a local network (npm start), a documented local setting: a vote of 60 seconds, a
 * timelock of 10 seconds and locks of 10 minutes, so a proposal is decided and executed within a few minutes of the
 * wall clock (governance's timer looks every 60 seconds). Quorum, threshold and deposit stay the defaults (20%,
 * 50%, 1 LIT). Elsewhere governance takes its defaults (3 days, 1 day, 7 days); a proposal to change them is held
 * to at least an hour and a minute. Set at install only: a network installed before keeps what it has (npm start
 * -- --clean starts anew).
 */
export const LOCAL_GOVERNANCE_PARAMS: GovernanceParams = {
  voting_period_ns: 60n * SECOND,
  timelock_ns: 10n * SECOND,
  lock_period_ns: 600n * SECOND,
  quorum_bps: 2_000,
  adoption_threshold_bps: 5_000,
  proposal_deposit: 100_000_000n,
};

export function initArg(canister: string, { deployer, ids, local = false }: Deployment): Uint8Array | undefined {
  const peer = (name: string): [] | [Principal] => (ids[name] ? [ids[name]] : []);
  switch (canister) {
    case 'ledger':
      return encodeOpt(LedgerInit, {
        token_name: LOCAL_TOKEN.name,
        token_symbol: LOCAL_TOKEN.symbol,
        decimals: [LOCAL_TOKEN.decimals],
        transfer_fee: LOCAL_TOKEN.fee,
        minting_account: { owner: deployer, subaccount: [] },
        initial_balances: [],
      });
    case 'identity':
      return encodeOpt(IdentityInit, {
        admin: [deployer],
        certifiers: [],
        ledger: peer('ledger'),
        verification: peer('verification'),
        bridge: peer('bridge'),
        // Identity pushes each change of a provider's standing there, so matching never reads a stale one.
        marketplace: peer('marketplace'),
        // Slashed stake goes to governance's reserve, which only a proposal spends; without governance, to the admin.
        treasury: ids.governance ? [reserveAccount(ids.governance)] : [],
        min_stake: [],
        unbonding_delay_ns: [],
        claim_code_ttl_ns: [],
        // Off on every network; npm start turns it on for its local network (update_settings, as the admin).
        auto_certify: [],
      });
    case 'model_registry':
      // The marketplace keeps models for its jobs; the registry tells it which ones changed their access.
      return encodeOpt(RegistryInit, { admin: [deployer], royalty_cap_bps: [], marketplace: peer('marketplace') });
    case 'marketplace':
      return encodeOpt(MarketplaceInit, {
        admin: [deployer],
        identity: peer('identity'),
        payment: peer('payment'),
        model_registry: peer('model_registry'),
        // With a bridge, jobs are dispatched to workers and only the bridge reports their outcomes; without one
        // (a network of the economy canisters alone), the admin does.
        bridge: peer('bridge'),
        config: [],
        analytics: peer('analytics'),
        // The api canister runs its keys' requests as their owners' jobs (run_job_for, which only it may call).
        api: peer('api'),
      });
    case 'payment':
      return encodeOpt(PaymentInit, {
        admin: [deployer],
        ledger: peer('ledger'),
        marketplace: peer('marketplace'),
        bridge: peer('bridge'),
        split: [],
        treasury: [],
        min_escrow: [],
        analytics: peer('analytics'),
      });
    case 'bridge':
      return encodeOpt(BridgeInit, {
        admin: [deployer],
        identity: peer('identity'),
        marketplace: peer('marketplace'),
        verification: peer('verification'),
        payment: peer('payment'),
        audit_rate_bps: [],
        dispute_deposit: [],
        analytics: peer('analytics'),
      });
    case 'verification':
      return encodeOpt(VerificationInit, {
        admin: [deployer],
        identity: peer('identity'),
        bridge: peer('bridge'),
        config: [],
        analytics: peer('analytics'),
      });
    case 'analytics':
      // Events are taken from the canisters that report them, those of them deployed here.
      return encodeOpt(AnalyticsInit, { admin: [deployer], reporters: REPORTERS.flatMap(peer) });
    case 'governance':
      // The deployer may only bootstrap: hand every administered canister over to governance, in one call.
      return encodeOpt(GovernanceInit, {
        admin: [deployer],
        peers: {
          ledger: peer('ledger'),
          identity: peer('identity'),
          model_registry: peer('model_registry'),
          marketplace: peer('marketplace'),
          payment: peer('payment'),
          bridge: peer('bridge'),
          verification: peer('verification'),
          analytics: peer('analytics'),
          api: peer('api'),
        },
        params: local ? [LOCAL_GOVERNANCE_PARAMS] : [],
      });
    case 'faucet':
      // Local and test networks only (deploySuite's `faucet`): the deployer sets its caps; the amounts are the defaults.
      return encodeOpt(FaucetInit, { admin: [deployer], ledger: peer('ledger'), config: [] });
    case 'api':
      // The OpenAI-compatible API: it reads models and runs jobs, and checks a key creator's allowance to payment.
      return encodeOpt(ApiInit, {
        admin: [deployer],
        marketplace: peer('marketplace'),
        model_registry: peer('model_registry'),
        payment: peer('payment'),
        ledger: peer('ledger'),
      });
    default:
      return undefined;
  }
}

/**
 * What an upgrade passes: the reporters and analytics read their upgrade argument for the analytics peers (a state
 * from before analytics learns them); the others take none and keep their settings.
 */
export function upgradeArg(canister: string, deployment: Deployment): Uint8Array | undefined {
  return [...REPORTERS, 'analytics'].includes(canister) ? initArg(canister, deployment) : undefined;
}

/**
 * Who controls a new canister: the deployer, and governance as well for the canisters governance administers (and
 * governance itself), so that its bootstrap can remove the deployer.
 */
export function controllersOf(canister: string, { deployer, ids }: Deployment): Principal[] {
  const governance = ids.governance;
  const governed = canister === 'governance' || (ADMINISTERED as readonly string[]).includes(canister);
  return governance !== undefined && governed ? [deployer, governance] : [deployer];
}

function encodeOpt(type: IDL.Type, value: unknown): Uint8Array {
  return new Uint8Array(IDL.encode([IDL.Opt(type)], [[value]]));
}
