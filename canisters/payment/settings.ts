// The payment canister's settings (admin, peers, parameters), its init argument, and the candid shapes of what
// its flows return. Pure: no 'azle' import, so the authorization rules are tested directly.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Account } from '../ledger/types';
import { isOneOf } from '../shared/guard';
import { defaultConfig } from './config';
import type { RefundPlan } from './refunds';
import type { Settlement as SettlementPlan } from './split';
import { PaymentConfig, Role, Split } from './types';

export type Opt<T> = [] | [T];

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  ledger: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  split: IDL.Opt(Split),
  treasury: IDL.Opt(Account),
  min_escrow: IDL.Opt(IDL.Nat),
  /** Where closed escrows are reported (one way); an upgrade argument naming one replaces it. */
  analytics: IDL.Opt(IDL.Principal),
});
export type InitArg = {
  admin: Opt<Principal>;
  ledger: Opt<Principal>;
  marketplace: Opt<Principal>;
  bridge: Opt<Principal>;
  split: Opt<Split>;
  treasury: Opt<Account>;
  min_escrow: Opt<bigint>;
  analytics: Opt<Principal>;
};

export const Settings = IDL.Record({
  admin: IDL.Principal,
  ledger: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  config: PaymentConfig,
});
export type Settings = {
  admin: Principal;
  ledger: Opt<Principal>;
  marketplace: Opt<Principal>;
  bridge: Opt<Principal>;
  config: PaymentConfig;
};

export const Credit = IDL.Record({ account: Account, role: Role, amount: IDL.Nat });
export const Settlement = IDL.Record({ sweep: IDL.Nat, fee: IDL.Nat, credits: IDL.Vec(Credit), block: IDL.Opt(IDL.Nat) });
export type Settlement = SettlementPlan & { block: Opt<bigint> };
export const Refund = IDL.Record({ refund: IDL.Nat, fee: IDL.Nat, settlement: IDL.Opt(Settlement), block: IDL.Opt(IDL.Nat) });
export type Refund = { refund: bigint; fee: bigint; settlement: Opt<Settlement>; block: Opt<bigint> };
export const WithdrawReceipt = IDL.Record({ amount: IDL.Nat, fee: IDL.Nat, block: IDL.Nat });
export type WithdrawReceipt = { amount: bigint; fee: bigint; block: bigint };

export type { RefundPlan };

// Peers the admin may name after install (an opt left empty keeps the current one). The ledger is fixed at
// install: escrows open on one ledger cannot move to another.
export const PeersUpdate = IDL.Record({ marketplace: IDL.Opt(IDL.Principal), bridge: IDL.Opt(IDL.Principal) });
export type PeersUpdate = { marketplace: Opt<Principal>; bridge: Opt<Principal> };

export function withPeers(settings: Settings, update: PeersUpdate): Settings {
  return {
    ...settings,
    marketplace: update.marketplace.length === 1 ? update.marketplace : settings.marketplace,
    bridge: update.bridge.length === 1 ? update.bridge : settings.bridge,
  };
}

/** Settings from the init argument; the installer is the admin unless the argument names one. */
export function initialSettings(arg: InitArg | undefined, installer: Principal, self: Principal): Settings {
  const defaults = defaultConfig(self);
  return {
    admin: arg?.admin[0] ?? installer,
    ledger: arg?.ledger ?? [],
    marketplace: arg?.marketplace ?? [],
    bridge: arg?.bridge ?? [],
    config: {
      split: arg?.split[0] ?? defaults.split,
      treasury: arg?.treasury[0] ?? defaults.treasury,
      min_escrow: arg?.min_escrow[0] ?? defaults.min_escrow,
    },
  };
}

/** Only the marketplace opens escrows. */
export function mayEscrow(settings: Settings, caller: Principal): string | undefined {
  if (!isOneOf(caller, settings.marketplace)) return 'escrow: only the marketplace canister may open an escrow';
}

/**
 * The marketplace or the bridge settles and refunds. Until a bridge is configured, the admin may too: the
 * documented privileged test path that completes a job before the bridge exists; naming a bridge closes it.
 */
export function maySettle(settings: Settings, caller: Principal): string | undefined {
  if (isOneOf(caller, settings.marketplace, settings.bridge)) return undefined;
  if (settings.bridge.length === 0 && isOneOf(caller, settings.admin)) return undefined;
  return 'only the marketplace or bridge canister (or the admin until a bridge is set) may settle or refund';
}

/** Only the bridge, which runs disputes, holds and resolves their deposits. */
export function mayHoldDeposits(settings: Settings, caller: Principal): string | undefined {
  if (!isOneOf(caller, settings.bridge)) return 'only the bridge canister holds and resolves dispute deposits';
}

export function mayAdminister(settings: Settings, caller: Principal): string | undefined {
  if (!isOneOf(caller, settings.admin)) return 'only the admin may change the configuration';
}
