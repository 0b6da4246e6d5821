// The identity canister's parameters: their defaults, how an update applies and what is refused.
import type { Principal } from '@dfinity/principal';

import type { Settings, SettingsUpdate } from './types';

const SECOND = 1_000_000_000n;

export const DEFAULTS = {
  // One token at 8 decimals, the local token's precision.
  min_stake: 100_000_000n,
  unbonding_delay_ns: 7n * 24n * 3600n * SECOND,
  claim_code_ttl_ns: 3600n * SECOND,
  // Off: certification is a certifier's decision. A local network (npm start) turns it on.
  auto_certify: false,
} as const;

/** An update that changes nothing: callers name the one field they change on top of it. */
export const NO_CHANGES: SettingsUpdate = {
  admin: [],
  certifiers: [],
  ledger: [],
  verification: [],
  bridge: [],
  marketplace: [],
  treasury: [],
  min_stake: [],
  unbonding_delay_ns: [],
  claim_code_ttl_ns: [],
  auto_certify: [],
};

// A claim code lives long enough to be typed in, and not so long that a leaked one stays useful.
const MAX_CLAIM_CODE_TTL_NS = 7n * 24n * 3600n * SECOND;

/** The first settings: the admin named in the argument or else the installer; unnamed parameters take their defaults. */
export function initialSettings(arg: SettingsUpdate | undefined, installer: Principal): Settings {
  const admin = arg?.admin[0] ?? installer;
  const base: Settings = {
    admin,
    certifiers: [admin],
    ledger: [],
    verification: [],
    bridge: [],
    marketplace: [],
    treasury: { owner: admin, subaccount: [] },
    ...DEFAULTS,
  };
  if (arg === undefined) return base;
  const result = applyUpdate(base, arg);
  // An install with a bad argument must fail rather than start with settings the rules forbid.
  if (typeof result === 'string') throw new Error(`identity init: ${result}`);
  return result;
}

/** Settings stored before a field existed, completed with that field's default (an upgrade keeps old settings). */
export function withDefaults(stored: Settings): Settings {
  return { ...stored, auto_certify: stored.auto_certify ?? DEFAULTS.auto_certify, marketplace: stored.marketplace ?? [] };
}

/** The settings with each present field replaced, or why the update is refused. */
export function applyUpdate(settings: Settings, update: SettingsUpdate): Settings | string {
  const next: Settings = {
    admin: update.admin[0] ?? settings.admin,
    certifiers: update.certifiers[0] ?? settings.certifiers,
    ledger: update.ledger.length > 0 ? update.ledger : settings.ledger,
    verification: update.verification.length > 0 ? update.verification : settings.verification,
    bridge: update.bridge.length > 0 ? update.bridge : settings.bridge,
    marketplace: update.marketplace.length > 0 ? update.marketplace : settings.marketplace,
    treasury: update.treasury[0] ?? settings.treasury,
    min_stake: update.min_stake[0] ?? settings.min_stake,
    unbonding_delay_ns: update.unbonding_delay_ns[0] ?? settings.unbonding_delay_ns,
    claim_code_ttl_ns: update.claim_code_ttl_ns[0] ?? settings.claim_code_ttl_ns,
    auto_certify: update.auto_certify[0] ?? settings.auto_certify,
  };
  return checkSettings(next) ?? next;
}

function checkSettings(s: Settings): string | undefined {
  const named: [string, Principal][] = [
    ['admin', s.admin],
    ...s.certifiers.map((p): [string, Principal] => ['certifiers', p]),
    ...s.ledger.map((p): [string, Principal] => ['ledger', p]),
    ...s.verification.map((p): [string, Principal] => ['verification', p]),
    ...s.bridge.map((p): [string, Principal] => ['bridge', p]),
    ...s.marketplace.map((p): [string, Principal] => ['marketplace', p]),
    ['treasury', s.treasury.owner],
  ];
  for (const [field, principal] of named) {
    if (principal.isAnonymous()) return `${field}: the anonymous principal cannot hold a role`;
  }
  const subaccount = s.treasury.subaccount[0];
  if (subaccount !== undefined && subaccount.length !== 32) return 'treasury: a subaccount is 32 bytes';
  if (s.certifiers.length > 100) return 'certifiers: at most 100';
  if (s.claim_code_ttl_ns === 0n || s.claim_code_ttl_ns > MAX_CLAIM_CODE_TTL_NS)
    return 'claim_code_ttl_ns: must be between 1 ns and 7 days';
  return undefined;
}
