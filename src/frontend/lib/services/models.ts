// The model catalog: the registry's models, and per model its live rates, offers and figures from analytics.
import type { Principal } from '@dfinity/principal';

import type { Summary } from '../../../../canisters/analytics/stats';
import type { ModelRates } from '../../../../canisters/marketplace/job_types';
import type { Offer, Price } from '../../../../canisters/marketplace/offer_types';
import { quote as replicaQuote } from '../../../../canisters/marketplace/pricing';
import type { Model } from '../../../../canisters/shared/models';
import type { Actors } from '../api/actors';
import * as analyticsApi from '../api/analytics';
import * as marketApi from '../api/marketplace';
import * as registryApi from '../api/model_registry';
import { errorSentence } from '../errors';
import { variantName } from '../format/misc';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';
import { rangeFor } from './ranges';

/** Every model in the registry, page by page. */
export async function loadModels(a: Actors, host?: string): Promise<Outcome<Model[]>> {
  return attempt(async () => {
    const models: Model[] = [];
    for (;;) {
      const page = fromResult('model_registry', await registryApi.listModels(a, models.length));
      if (!page.ok) return page;
      models.push(...page.value.items);
      if (page.value.items.length === 0 || BigInt(models.length) >= page.value.total) return success(models);
    }
  }, host);
}

/** The live offers of a model (active and paused, not retired), page by page. */
export async function loadOffersOf(a: Actors, model: bigint, host?: string): Promise<Outcome<Offer[]>> {
  return attempt(async () => {
    const offers: Offer[] = [];
    for (;;) {
      const page = fromResult('marketplace', await marketApi.listOffers(a, { model }, BigInt(offers.length)));
      if (!page.ok) return page;
      offers.push(...page.value.offers);
      if (page.value.offers.length === 0 || BigInt(offers.length) >= page.value.total) return success(offers);
    }
  }, host);
}

export type MarketFigures = {
  rates: ModelRates;
  offers: Offer[];
  providers: number;
  /** The cheapest active offer's price now (multiplier applied, standard lane) for `maxTokens`, and its unit. */
  cheapest: { amount: bigint; unit: string } | undefined;
  stats: Summary | undefined;
  statsError: string | undefined;
};

/** Distinct providers with an active offer. */
export function providerCount(offers: Offer[]): number {
  return new Set(offers.filter((o) => 'active' in o.status).map((o) => o.provider.toText())).size;
}

/** What the cheapest active offer charges one replica now, with the canister's own pricing rule. */
export function cheapestPrice(offers: Offer[], rates: ModelRates, maxTokens: number): { amount: bigint; unit: string } | undefined {
  let best: { amount: bigint; unit: string } | undefined;
  for (const offer of offers) {
    if (!('active' in offer.status)) continue;
    const price: Price = offer.terms.price;
    const amount = replicaQuote(price, maxTokens, rates.multiplier_bps, 10_000);
    if (best === undefined || amount < best.amount) best = { amount, unit: variantName(price.unit) === 'per_request' ? 'request' : `${maxTokens} tokens` };
  }
  return best;
}

/** A model's market figures: rates, offers, providers, and the last 24 hours from analytics. */
export async function loadFigures(a: Actors, model: bigint, maxTokens = 256, host?: string): Promise<Outcome<MarketFigures>> {
  return attempt(async () => {
    const [rates, offers, stats] = await Promise.all([
      marketApi.modelRates(a, model),
      loadOffersOf(a, model, host),
      analyticsApi.summary(a, { model }, rangeFor('24h')),
    ]);
    if (!offers.ok) return failure(offers.error);
    return success({
      rates,
      offers: offers.value,
      providers: providerCount(offers.value),
      cheapest: cheapestPrice(offers.value, rates, maxTokens),
      stats: 'Ok' in stats ? stats.Ok : undefined,
      statsError: 'Err' in stats ? errorSentence('analytics', stats.Err) : undefined,
    });
  }, host);
}

export type ModelFilter = { text: string; task: string; format: string };

/** Models matching a search text (name, version, license, creator) and a task and format ('' for any). */
export function filterModels(models: Model[], filter: ModelFilter): Model[] {
  const words = filter.text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  return models.filter((m) => {
    if (filter.task !== '' && variantName(m.task) !== filter.task) return false;
    if (filter.format !== '' && variantName(m.format) !== filter.format) return false;
    const haystack = `${m.name} ${m.version} ${m.license} ${m.creator.toText()} ${m.id}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** The models a principal published. */
export const modelsBy = (models: Model[], creator: Principal): Model[] => models.filter((m) => m.creator.compareTo(creator) === 'eq');
