// The provider's side: account and certification, nodes (claim, health probes, uptime), stake (approve + stake,
// unbond, withdraw), offers (create, edit, pause, resume, retire), earnings, reputation, slashes and disputes.
import type { Principal } from '@dfinity/principal';

import type { AccountFlows } from '../../../../canisters/analytics/accounts';
import type { Summary } from '../../../../canisters/analytics/stats';
import type { Dispute, Endpoint, Health, Probes } from '../../../../canisters/bridge/types';
import type {
  Node,
  ProviderStanding,
  Reputation,
  SlashRecord,
  Stake,
  UserAccount,
  Settings as IdentitySettings,
} from '../../../../canisters/identity/types';
import type { Offer, OfferTerms } from '../../../../canisters/marketplace/offer_types';
import { checkTerms } from '../../../../canisters/marketplace/offer_validation';
import type { Actors } from '../api/actors';
import * as analyticsApi from '../api/analytics';
import * as bridgeApi from '../api/bridge';
import * as identityApi from '../api/identity';
import * as ledgerApi from '../api/ledger';
import * as marketApi from '../api/marketplace';
import * as paymentApi from '../api/payment';
import { parseAmount, type Token } from '../format/amount';
import { msToNs } from '../format/time';
import { escrowCharges, type Charges } from './jobs';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';
import { rangeFor } from './ranges';

export type NodeView = { node: Node; probes: Probes | undefined; health: Health | undefined; endpoint: Endpoint | undefined };

export type ProviderView = {
  account: UserAccount | undefined;
  isProvider: boolean;
  standing: ProviderStanding;
  stake: Stake;
  settings: IdentitySettings;
  nodes: NodeView[];
  offers: Offer[];
  owed: bigint;
  flows: AccountFlows | undefined;
  /** The jobs the provider's offers ran in the last 24 hours (analytics), when analytics answers. */
  jobs: Summary | undefined;
  reputation: Reputation;
  slashes: SlashRecord[];
  /** Disputes of jobs the provider's nodes ran, newest first (the bridge lists the newest 50). */
  disputes: Dispute[];
};

/** Uptime from the bridge's health probes, in bps; undefined before the first probe. */
export function uptimeBps(probes: Probes | undefined): number | undefined {
  if (!probes || probes.probes === 0n) return undefined;
  return Number(((probes.probes - probes.failures) * 10_000n) / probes.probes);
}

async function allOffers(a: Actors, provider: Principal): Promise<Offer[]> {
  const offers: Offer[] = [];
  for (;;) {
    const page = await marketApi.listOffers(a, { provider }, BigInt(offers.length));
    if ('Err' in page || page.Ok.offers.length === 0) return offers;
    offers.push(...page.Ok.offers.map((o) => ({ ...o, terms: { ...o.terms, models: Array.from(o.terms.models) } })));
    if (BigInt(offers.length) >= page.Ok.total) return offers;
  }
}

export async function loadProvider(a: Actors, me: Principal, host?: string): Promise<Outcome<ProviderView>> {
  return attempt(async () => {
    const [account, standing, stake, settings, nodes, offers, owed, flows, reputation, slashes, disputes, jobs] = await Promise.all([
      identityApi.getAccount(a, me),
      identityApi.standing(a, me),
      identityApi.getStake(a, me),
      identityApi.settings(a),
      identityApi.nodesOf(a, me),
      allOffers(a, me),
      paymentApi.owedOf(a, ledgerApi.own(me)),
      analyticsApi.accountFlows(a, me),
      identityApi.reputation(a, me),
      identityApi.slashesOf(a, me),
      bridgeApi.disputesAgainst(a, me),
      analyticsApi.summary(a, { provider: me }, rangeFor('24h')).then((r) => ('Ok' in r ? r.Ok : undefined)),
    ]);
    const nodeViews = await Promise.all(
      nodes.map(async (node) => {
        const [probes, health, endpoint] = await Promise.all([
          bridgeApi.probesOf(a, node.id),
          bridgeApi.healthOf(a, node.id),
          bridgeApi.endpointOf(a, node.id),
        ]);
        return { node, probes, health, endpoint };
      }),
    );
    return success({
      account,
      isProvider: account?.roles.some((r) => 'provider' in r) ?? false,
      standing,
      stake,
      settings,
      nodes: nodeViews,
      offers,
      owed,
      flows,
      jobs,
      reputation,
      slashes,
      disputes,
    });
  }, host);
}

export type ProfileForm = { name: string; region: string; contact: string };

export async function registerProvider(a: Actors, form: ProfileForm, host?: string): Promise<Outcome<UserAccount>> {
  if (form.name.trim() === '') return failure('Give your provider a name.');
  if (!/^[a-z]{2,12}(-[a-z0-9]{1,12}){0,2}$/.test(form.region)) return failure('The region is a lowercase code such as eu-west.');
  return attempt(
    async () =>
      fromResult(
        'identity',
        await identityApi.register(a, {
          roles: [{ provider: null }],
          profile: [{ name: form.name.trim(), region: form.region, contact: form.contact.trim() }],
        }),
      ),
    host,
  );
}

export async function claimNode(a: Actors, code: string, host?: string): Promise<Outcome<Node>> {
  const clean = code.trim().toLowerCase();
  if (clean === '') return failure('Paste the claim code the worker printed.');
  return attempt(async () => fromResult('identity', await identityApi.claimNode(a, clean)), host);
}

/** Staking moves tokens by transfer_from into identity's stake account: the same charges as a job's escrow. */
export const stakeCharges = (amount: bigint, fee: bigint): Charges => escrowCharges(amount, fee);

export async function stake(a: Actors, charges: Charges, token: Token, host?: string, nowMs = Date.now()): Promise<Outcome<Stake>> {
  return attempt(async () => {
    const approved = fromResult('ledger', await ledgerApi.approve(a, a.ids.identity, charges.allowance, msToNs(nowMs)), { token });
    if (!approved.ok) return failure(`The approval failed, so nothing was staked. ${approved.error}`);
    return fromResult('identity', await identityApi.stake(a, charges.amount), { token });
  }, host);
}

export async function unbond(a: Actors, amount: bigint, token: Token, host?: string): Promise<Outcome<Stake>> {
  return attempt(async () => fromResult('identity', await identityApi.unbond(a, amount), { token }), host);
}

export async function withdrawStake(a: Actors, token: Token, host?: string) {
  return attempt(async () => fromResult('identity', await identityApi.withdrawStake(a), { token }), host);
}

/** What a person types for an offer; numbers as text, as inputs give them. */
export type OfferForm = {
  nodes: string[];
  models: string;
  region: string;
  gpuModel: string;
  vramGib: string;
  computeCapability: string;
  cpuCores: string;
  ramGib: string;
  priceUnit: 'per_request' | 'per_1k_tokens';
  price: string;
  reservationPrice: string;
  capacity: string;
  p95LatencyMs: string;
  uptimePercent: string;
  lateRefundPercent: string;
};

const whole = (text: string, what: string, max = 4_294_967_295): Outcome<number> => {
  const n = Number(text.trim());
  return /^\d+$/.test(text.trim()) && n <= max
    ? success(n)
    : failure(`${what} is a whole number${max < 4_294_967_295 ? ` up to ${max}` : ''}.`);
};

/** Percent with up to two decimals ("99.5") as basis points. */
const percentBps = (text: string, what: string): Outcome<number> => {
  const parsed = parseAmount(text, 2, what);
  if (!parsed.ok || parsed.value > 10_000n) return failure(`${what} is a percentage from 0 to 100, with at most two decimals.`);
  return success(Number(parsed.value));
};

/** The offer's terms from the form, checked by the marketplace's own field rules, or the first problem in words. */
export function offerTerms(form: OfferForm, nodes: Principal[], token: Token): Outcome<OfferTerms> {
  const models = form.models
    .split(/[\s,]+/)
    .filter((m) => m !== '')
    .map((m) => (/^\d+$/.test(m) ? BigInt(m) : undefined));
  if (models.length === 0 || models.some((m) => m === undefined)) return failure('List the model numbers this offer serves, like 0, 3.');
  const price = parseAmount(form.price, token.decimals, token.symbol);
  if (!price.ok) return failure(`Price: ${price.error}`);
  const reservation = parseAmount(form.reservationPrice === '' ? '0' : form.reservationPrice, token.decimals, token.symbol);
  if (!reservation.ok) return failure(`Reservation price: ${reservation.error}`);
  const numbers = [
    whole(form.vramGib || '0', 'GPU memory (GiB)'),
    whole(form.computeCapability || '0', 'Compute capability (×10)'),
    whole(form.cpuCores, 'CPU cores'),
    whole(form.ramGib || '0', 'Memory (GiB)'),
    whole(form.capacity, 'Capacity'),
    whole(form.p95LatencyMs, 'p95 latency (ms)'),
    percentBps(form.uptimePercent, 'Uptime'),
    percentBps(form.lateRefundPercent || '0', 'Late refund'),
  ];
  const bad = numbers.find((n) => !n.ok);
  if (bad && !bad.ok) return failure(bad.error);
  const [vram, cc, cpu, ram, capacity, p95, uptime, lateRefund] = numbers.map((n) => (n.ok ? n.value : 0));
  const terms: OfferTerms = {
    nodes,
    models: models as bigint[],
    hardware: { gpu_model: form.gpuModel.trim(), vram_gib: vram, compute_capability_x10: cc, cpu_cores: cpu, ram_gib: ram },
    region: form.region.trim(),
    price: { unit: form.priceUnit === 'per_request' ? { per_request: null } : { per_1k_tokens: null }, amount: price.value },
    reservation_price_per_slot_hour: reservation.value,
    capacity,
    sla: { p95_latency_ms: p95, uptime_bps: uptime, late_refund_bps: lateRefund },
  };
  const problem = checkTerms(terms);
  return problem === undefined ? success(terms) : failure(`The offer is not valid: ${problem}.`);
}

/** The form for an existing offer's terms (to edit them). */
export function offerForm(terms: OfferTerms, token: Token): OfferForm {
  const units = (n: bigint) => {
    const scale = 10n ** BigInt(token.decimals);
    const fraction = (n % scale).toString().padStart(token.decimals, '0').replace(/0+$/, '');
    return fraction ? `${n / scale}.${fraction}` : `${n / scale}`;
  };
  const pct = (bps: number) => (bps / 100).toString();
  return {
    nodes: terms.nodes.map((n) => n.toText()),
    models: Array.from(terms.models).join(', '),
    region: terms.region,
    gpuModel: terms.hardware.gpu_model,
    vramGib: String(terms.hardware.vram_gib),
    computeCapability: String(terms.hardware.compute_capability_x10),
    cpuCores: String(terms.hardware.cpu_cores),
    ramGib: String(terms.hardware.ram_gib),
    priceUnit: 'per_request' in terms.price.unit ? 'per_request' : 'per_1k_tokens',
    price: units(terms.price.amount),
    reservationPrice: units(terms.reservation_price_per_slot_hour),
    capacity: String(terms.capacity),
    p95LatencyMs: String(terms.sla.p95_latency_ms),
    uptimePercent: pct(terms.sla.uptime_bps),
    lateRefundPercent: pct(terms.sla.late_refund_bps),
  };
}

/** A new offer's form, its hardware from the first claimed node. */
export function newOfferForm(nodes: Node[]): OfferForm {
  const hw = nodes[0]?.hardware;
  return {
    nodes: nodes.map((n) => n.id.toText()),
    models: '',
    region: 'local',
    gpuModel: hw?.gpu_model[0] ?? 'cpu',
    vramGib: String(Math.floor((hw?.vram_mib ?? 0) / 1024)),
    computeCapability: '0',
    cpuCores: String(Math.max(1, hw?.cpu_cores ?? 1)),
    ramGib: String(Math.floor((hw?.ram_mib ?? 0) / 1024)),
    priceUnit: 'per_request',
    price: '',
    reservationPrice: '0',
    capacity: '2',
    p95LatencyMs: '5000',
    uptimePercent: '95',
    lateRefundPercent: '0',
  };
}

/** Creates or updates an offer, then asks the marketplace to refresh the provider's standing from identity. */
export async function saveOffer(
  a: Actors,
  me: Principal,
  id: bigint | undefined,
  terms: OfferTerms,
  host?: string,
): Promise<Outcome<Offer>> {
  return attempt(async () => {
    const saved = fromResult(
      'marketplace',
      id === undefined ? await marketApi.createOffer(a, terms) : await marketApi.updateOffer(a, id, terms),
    );
    if (!saved.ok) return saved;
    await marketApi.refreshStanding(a, me);
    return saved;
  }, host);
}

export type OfferAction = 'pause' | 'resume' | 'retire';

export async function changeOffer(a: Actors, id: bigint, action: OfferAction, host?: string): Promise<Outcome<Offer>> {
  const call = { pause: marketApi.pauseOffer, resume: marketApi.resumeOffer, retire: marketApi.retireOffer }[action];
  return attempt(async () => fromResult('marketplace', await call(a, id)), host);
}
