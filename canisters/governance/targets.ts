// What an adopted proposal calls: the admin method of the suite canister that holds the parameter (governance is
// that canister's admin after the hand-over), the treasury withdrawal in payment, or the marketplace's intake switch.
// Each comes back as words: what changed, or why it failed, which the proposal records. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Account } from '../ledger/types';
import { Settings as BridgeSettings, Result as BridgeResult } from '../bridge/types';
import { NO_CHANGES } from '../identity/settings';
import { Result as IdentityResult, Settings as IdentitySettings, SettingsUpdate } from '../identity/types';
import { Result as AnalyticsResult } from '../analytics/queries';
import { Settings as AnalyticsSettings } from '../analytics/settings';
import { AdminResult as MarketResult, Peers as MarketPeers } from '../marketplace/types';
import { MarketConfig } from '../marketplace/config';
import { Result as RegistryResult, Settings as RegistrySettings } from '../model_registry/types';
import { PeersUpdate as PaymentPeers, Settings as PaymentSettings, WithdrawReceipt } from '../payment/settings';
import { PaymentConfig, Result as PaymentResult } from '../payment/types';
import { Result as VerificationResult, Settings as VerificationSettings, VerificationConfig } from '../verification/types';
import { ClaimAdminResult } from '../shared/admin_claim';
import { callPeer, describe } from '../shared/peer_call';
import type { Action, Parameter, Peers } from './types';

export type Outcome = { Ok: string } | { Err: string };

// Reply types in module constants: candid_cache.ts keys its tables by the type objects.
const T = {
  bridge: BridgeResult(BridgeSettings),
  identity: IdentityResult(IdentitySettings),
  marketConfig: MarketResult(MarketConfig),
  marketBool: MarketResult(IDL.Bool),
  marketPeers: MarketResult(MarketPeers),
  analytics: AnalyticsResult(AnalyticsSettings),
  paymentSettings: PaymentResult(PaymentSettings),
  registry: RegistryResult(RegistrySettings),
  paymentConfig: PaymentResult(PaymentConfig),
  paymentReceipt: PaymentResult(WithdrawReceipt),
  verification: VerificationResult(VerificationSettings),
};

/** One admin call whose reply is a Result variant: Ok in words, or the call's or the canister's error. */
async function adminCall(
  peers: Peers,
  name: keyof Peers,
  method: string,
  params: IDL.Type[],
  ret: IDL.Type,
  args: unknown[],
): Promise<Outcome> {
  const canister = peers[name][0];
  if (canister === undefined) return { Err: `no ${name} canister is named` };
  const reply = await callPeer<{ Ok: object } | { Err: object }>(name, canister, method, params, ret, args);
  if ('Err' in reply) return reply;
  if ('Err' in reply.Ok) return { Err: `${name}.${method}: ${describe(reply.Ok.Err)}` };
  return { Ok: `${name}.${method}: ${describe(reply.Ok.Ok)}` };
}

/** A query for the record a setter needs whole (a config), to change one field of it. */
async function read<T>(peers: Peers, name: keyof Peers, method: string, ret: IDL.Type): Promise<{ Ok: T } | { Err: string }> {
  const canister = peers[name][0];
  if (canister === undefined) return { Err: `no ${name} canister is named` };
  return callPeer<T>(name, canister, method, [], ret, []);
}

async function setParameter(peers: Peers, p: Parameter): Promise<Outcome> {
  const identity = (update: Partial<SettingsUpdate>) =>
    adminCall(peers, 'identity', 'update_settings', [SettingsUpdate], T.identity, [{ ...NO_CHANGES, ...update }]);
  if ('fee_split' in p) {
    const settings = await read<PaymentSettings>(peers, 'payment', 'get_config', PaymentSettings);
    if ('Err' in settings) return settings;
    const config = { ...settings.Ok.config, split: p.fee_split };
    return adminCall(peers, 'payment', 'set_config', [PaymentConfig], T.paymentConfig, [config]);
  }
  if ('audit_rate_bps' in p) return adminCall(peers, 'bridge', 'set_audit_rate', [IDL.Nat16], T.bridge, [p.audit_rate_bps]);
  if ('slash_rate_bps' in p) {
    const settings = await read<VerificationSettings>(peers, 'verification', 'settings', VerificationSettings);
    if ('Err' in settings) return settings;
    const config = { ...settings.Ok.config, slash_bps: p.slash_rate_bps };
    return adminCall(peers, 'verification', 'set_config', [VerificationConfig], T.verification, [config]);
  }
  if ('min_stake' in p) return identity({ min_stake: [p.min_stake] });
  if ('unbonding_delay_ns' in p) return identity({ unbonding_delay_ns: [p.unbonding_delay_ns] });
  if ('certifiers' in p) return identity({ certifiers: [p.certifiers] });
  if ('royalty_cap_bps' in p) return adminCall(peers, 'model_registry', 'set_royalty_cap', [IDL.Nat16], T.registry, [p.royalty_cap_bps]);
  if ('priority_surcharge_bps' in p) {
    const config = await read<MarketConfig>(peers, 'marketplace', 'get_config', MarketConfig);
    if ('Err' in config) return config;
    const next = { ...config.Ok, priority_surcharge_bps: p.priority_surcharge_bps };
    return adminCall(peers, 'marketplace', 'set_config', [MarketConfig], T.marketConfig, [next]);
  }
  if ('dispute_deposit' in p) return adminCall(peers, 'bridge', 'set_dispute_deposit', [IDL.Nat], T.bridge, [p.dispute_deposit]);
  if ('analytics_reporters' in p)
    return adminCall(peers, 'analytics', 'set_reporters', [IDL.Vec(IDL.Principal)], T.analytics, [p.analytics_reporters]);
  if ('payment_peers' in p) return adminCall(peers, 'payment', 'set_peers', [PaymentPeers], T.paymentSettings, [p.payment_peers]);
  if ('marketplace_peers' in p) return adminCall(peers, 'marketplace', 'set_peers', [MarketPeers], T.marketPeers, [p.marketplace_peers]);
  if ('identity_settings' in p) return identity(p.identity_settings);
  if ('market_config' in p) return adminCall(peers, 'marketplace', 'set_config', [MarketConfig], T.marketConfig, [p.market_config]);
  if ('payment_config' in p) return adminCall(peers, 'payment', 'set_config', [PaymentConfig], T.paymentConfig, [p.payment_config]);
  if ('verification_config' in p)
    return adminCall(peers, 'verification', 'set_config', [VerificationConfig], T.verification, [p.verification_config]);
  return { Err: 'governance parameters are set by governance itself' };
}

/**
 * Takes `deployer` off identity's certifiers at the hand-over (governance being identity's admin by then), so after
 * bootstrap only certifiers that governance keeps or names may certify.
 */
export async function dropCertifier(peers: Peers, deployer: Principal): Promise<Outcome> {
  const settings = await read<IdentitySettings>(peers, 'identity', 'settings', IdentitySettings);
  if ('Err' in settings) return settings;
  const certifiers = settings.Ok.certifiers.filter((c) => c.compareTo(deployer) !== 'eq');
  if (certifiers.length === settings.Ok.certifiers.length) return { Ok: 'identity: the deployer is no certifier' };
  return adminCall(peers, 'identity', 'update_settings', [SettingsUpdate], T.identity, [{ ...NO_CHANGES, certifiers: [certifiers] }]);
}

/** Executes every action but an upgrade (upgrade.ts) and governance's own parameters (set where they live). */
export async function executeAction(peers: Peers, action: Action): Promise<Outcome> {
  if ('set_parameter' in action) return setParameter(peers, action.set_parameter);
  if ('spend_treasury' in action) {
    const { amount, to } = action.spend_treasury;
    return adminCall(peers, 'payment', 'withdraw_treasury', [IDL.Nat, Account], T.paymentReceipt, [amount, to]);
  }
  if ('set_job_intake_paused' in action)
    return adminCall(peers, 'marketplace', 'set_job_intake_paused', [IDL.Bool], T.marketBool, [action.set_job_intake_paused]);
  if ('text' in action) return { Ok: 'a motion: nothing to execute' };
  return { Err: 'upgrades are executed by upgrade.ts' };
}

/** Has a suite canister make governance (the caller, one of its controllers) its admin. */
export async function claimAdminOf(name: string, canister: Principal): Promise<Outcome> {
  const reply = await callPeer<{ Ok: Principal } | { Err: object }>(name, canister, 'claim_admin', [], ClaimAdminResult, []);
  if ('Err' in reply) return reply;
  return 'Err' in reply.Ok ? { Err: `${name}.claim_admin: ${describe(reply.Ok.Err)}` } : { Ok: `${name}: admin is governance` };
}
