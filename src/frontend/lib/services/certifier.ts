// The certifier's side: identity's certifiers decide which providers are matched (set_certification: certified,
// suspended or back to pending), and identity's admin names the certifiers (update_settings). On a local network
// the deployer (identity's admin, and a certifier until `governance bootstrap` takes it off) acts from a PEM file
// loaded in the page: the key stays in the page's memory, signs the calls the person clicks, and is never stored or
// sent anywhere.
import type { Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { NO_CHANGES } from '../../../../canisters/identity/settings';
import type { CertificationStatus, ProviderStanding, Settings, UserAccount } from '../../../../canisters/identity/types';
import { createActors, createAgent, type Actors } from '../api/actors';
import * as identityApi from '../api/identity';
import * as marketApi from '../api/marketplace';
import type { AppConfig } from '../config';
import { ed25519FromPem } from '../format/pem';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';

/** Who signs the certifier's calls: the logged-in person, or a key loaded from a file. */
export type Signer = { principal: Principal; actors: Actors; source: 'login' | 'key file' };

/** Actors signed by the key in a PEM file's text (local networks only: a key file is the deployer's there). */
export async function signerFromPem(config: AppConfig, pem: string): Promise<Outcome<Signer>> {
  if (!config.local) return failure('Key files are read on a local network only. Elsewhere, log in as a certifier.');
  const key = ed25519FromPem(pem);
  if (!key.ok) return key;
  return attempt(async () => {
    const agent = await createAgent(config, key.value as Identity);
    return success({ principal: key.value.getPrincipal(), actors: createActors(agent, config), source: 'key file' as const });
  }, config.host);
}

export type ProviderRow = { principal: Principal; account: UserAccount | undefined; standing: ProviderStanding; offers: number };

export type CertifierView = {
  settings: Settings;
  isCertifier: boolean;
  isAdmin: boolean;
  /** Providers with offers in the marketplace, and any looked up by hand; pending first. */
  providers: ProviderRow[];
};

export const certificationOf = (account: UserAccount | undefined): string => {
  const c = account?.certification[0];
  return c ? Object.keys(c.status)[0] : 'pending';
};

/** Principals of the providers with offers, with how many each has (identity keeps no list of registrations). */
async function offerProviders(a: Actors): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let offset = 0n;
  for (let page = 0; page < 50; page++) {
    const reply = await marketApi.listOffers(a, {}, offset);
    if ('Err' in reply || reply.Ok.offers.length === 0) break;
    for (const o of reply.Ok.offers) counts.set(o.provider.toText(), (counts.get(o.provider.toText()) ?? 0) + 1);
    offset += BigInt(reply.Ok.offers.length);
    if (offset >= reply.Ok.total) break;
  }
  return counts;
}

export async function loadCertifier(
  a: Actors,
  me: Principal | undefined,
  extra: Principal[],
  host?: string,
): Promise<Outcome<CertifierView>> {
  return attempt(async () => {
    const [settings, counts] = await Promise.all([identityApi.settings(a), offerProviders(a)]);
    for (const p of extra) if (!counts.has(p.toText())) counts.set(p.toText(), 0);
    const rows = await Promise.all(
      [...counts].map(async ([text, offers]) => {
        const principal = Principal.fromText(text);
        const [account, standing] = await Promise.all([identityApi.getAccount(a, principal), identityApi.standing(a, principal)]);
        return { principal, account, standing, offers };
      }),
    );
    const order = (r: ProviderRow) => ({ pending: 0, suspended: 1, certified: 2 })[certificationOf(r.account)] ?? 3;
    rows.sort((x, y) => order(x) - order(y) || x.principal.toText().localeCompare(y.principal.toText()));
    return success({
      settings,
      isCertifier: me !== undefined && settings.certifiers.some((c) => c.compareTo(me) === 'eq'),
      isAdmin: me !== undefined && settings.admin.compareTo(me) === 'eq',
      providers: rows,
    });
  }, host);
}

/** A principal typed by a person, or why it is not one. */
export function parsePrincipal(text: string): Outcome<Principal> {
  try {
    const p = Principal.fromText(text.trim());
    return p.isAnonymous() ? failure('The anonymous principal cannot be a provider or a certifier.') : success(p);
  } catch {
    return failure('That is not a principal (it looks like xxxxx-xxxxx-…-cai or a 63-character user principal).');
  }
}

export type Decision = 'certified' | 'suspended' | 'pending';

export async function certify(
  signer: Signer,
  provider: Principal,
  decision: Decision,
  reason: string,
  host?: string,
): Promise<Outcome<UserAccount>> {
  const status = { [decision]: null } as CertificationStatus;
  return attempt(async () => {
    const done = fromResult('identity', await identityApi.setCertification(signer.actors, provider, status, reason.trim()));
    // The marketplace keeps a copy of each provider's standing for matching: refresh it (anyone may ask).
    if (done.ok) await marketApi.refreshStanding(signer.actors, provider).catch(() => undefined);
    return done;
  }, host);
}

/** Identity's admin adds (or removes) a certifier: update_settings with the whole new list. */
export async function setCertifier(signer: Signer, who: Principal, add: boolean, host?: string): Promise<Outcome<Settings>> {
  return attempt(async () => {
    const current = (await identityApi.settings(signer.actors)).certifiers;
    const others = current.filter((c) => c.compareTo(who) !== 'eq');
    const next = add ? [...others, who] : others;
    return fromResult('identity', await identityApi.updateSettings(signer.actors, { ...NO_CHANGES, certifiers: [next] }));
  }, host);
}
