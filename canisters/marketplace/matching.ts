// Matching: score the model's eligible active offers and keep the best on distinct providers, as many as the
// redundancy asks plus spares. It reads the model's price ladders cheapest first and stops once the quote passes
// the job's maximum or `candidate_pool` eligible offers are scored, so its cost follows the pool, not the number
// of offers (ineligible offers met on the way are skipped, and only a market mostly unable to serve the job makes
// the walk long; offers of uncertified or understaked providers are not on the ladders at all). The price outside
// the pool only worsens, which bounds what the cut can lose: an offer beyond it could rank higher only on
// reputation, hardware fit, region or load. A no-match explains the model's first MAX_EXPLAINED live offers and
// counts the others.
import type { MarketConfig } from './config';
import { exclusionsOf, inUse, providerKey, quoteFor, standingOf, type MatchContext } from './eligibility';
import type { JobRequest } from './job_types';
import type { Candidate, Exclusion, MatchOutcome, NoMatch, OfferExclusion } from './match_types';
import type { ModelEntry } from './offer_index';
import type { Offer, OfferId } from './offer_types';
import type { OfferBook } from './offers';
import { multiplierBps, priceUnits, utilizationBps } from './pricing';
import { score } from './scoring';

/** Offers a no-match explains one by one: the reply stays far below the message limit however many there are. */
export const MAX_EXPLAINED = 100;

/** The multiplier the model's current utilization sets. */
export function modelMultiplier(entry: ModelEntry | undefined, config: MarketConfig): number {
  return multiplierBps(config, entry === undefined ? 0 : utilizationBps(entry.load, entry.capacity));
}

export function match(book: OfferBook, request: JobRequest, context: MatchContext): MatchOutcome {
  const entry = book.index.model(request.model);
  const multiplier = modelMultiplier(entry, context.config);
  const pool = entry === undefined ? [] : scorePool(book, entry, request, multiplier, context);
  const picked = pickDistinct(pool, request.redundancy + context.config.spares);
  if (picked.length < request.redundancy) return { NoMatch: explain(book, entry, request, multiplier, context) };
  return { Matched: { chosen: picked.slice(0, request.redundancy), spares: picked.slice(request.redundancy), multiplier_bps: multiplier } };
}

/** Best first: higher score, then cheaper, then older offer, so ties resolve the same way everywhere. */
export function rank(a: Candidate, b: Candidate): number {
  if (a.score.total !== b.score.total) return b.score.total - a.score.total;
  if (a.quote !== b.quote) return a.quote < b.quote ? -1 : 1;
  return a.offer < b.offer ? -1 : a.offer > b.offer ? 1 : 0;
}

function scorePool(book: OfferBook, entry: ModelEntry, request: JobRequest, multiplier: number, context: MatchContext): Candidate[] {
  const pool: Candidate[] = [];
  for (const id of cheapestFirst(entry, request)) {
    const offer = book.get(id) as Offer;
    const candidate = candidateOf(offer, request, multiplier, context);
    // Ladders are sorted by price, so once a quote passes the maximum, every later one on this ladder does too.
    if (candidate === 'over_max') break;
    if (candidate === undefined) continue;
    pool.push(candidate);
    if (pool.length >= context.config.candidate_pool) break;
  }
  return pool.sort(rank);
}

function candidateOf(offer: Offer, request: JobRequest, multiplier: number, context: MatchContext): Candidate | 'over_max' | undefined {
  const reasons = exclusionsOf(offer, request, multiplier, context);
  if (reasons.some((reason) => 'PriceAboveMax' in reason)) return 'over_max';
  if (reasons.length > 0) return undefined;
  const quote = quoteFor(offer, request, multiplier, context);
  const standing = standingOf(offer, context);
  return {
    offer: offer.id,
    provider: offer.provider,
    quote,
    score: score(offer, request, quote, standing.reputation_bps, inUse(offer, context), context.config),
  };
}

/**
 * The model's active offers in ascending order of what they cost this job: the per-token and per-request ladders
 * merged, each rung's amount scaled by the job's units (the multiplier and lane are the same for all of them).
 */
function* cheapestFirst(entry: ModelEntry, request: JobRequest): Generator<OfferId> {
  const tokenUnits = priceUnits({ unit: { per_1k_tokens: null }, amount: 1n }, request.max_tokens);
  let [t, r] = [0, 0];
  for (;;) {
    const [token, perRequest] = [entry.perToken.at(t), entry.perRequest.at(r)];
    if (token === undefined && perRequest === undefined) return;
    if (perRequest === undefined || (token !== undefined && token.amount * tokenUnits <= perRequest.amount)) {
      yield token!.id;
      t++;
    } else {
      yield perRequest.id;
      r++;
    }
  }
}

/** Up to `count` ranked candidates, one per provider: redundant replicas must not share an operator. */
function pickDistinct(ranked: Candidate[], count: number): Candidate[] {
  const providers = new Set<string>();
  const picked: Candidate[] = [];
  for (const candidate of ranked) {
    if (picked.length === count) break;
    const provider = providerKey(candidate.provider);
    if (providers.has(provider)) continue;
    providers.add(provider);
    picked.push(candidate);
  }
  return picked;
}

function explain(book: OfferBook, entry: ModelEntry | undefined, request: JobRequest, multiplier: number, context: MatchContext): NoMatch {
  const offers: OfferExclusion[] = [];
  const firstOfProvider = new Map<string, OfferId>();
  const live = book.index.liveCount(request.model);
  for (const id of book.index.liveIds(request.model, 0, MAX_EXPLAINED)) {
    const offer = book.get(id) as Offer;
    const reasons: Exclusion[] = exclusionsOf(offer, request, multiplier, context);
    const chosen = firstOfProvider.get(providerKey(offer.provider));
    if (reasons.length === 0 && chosen !== undefined) reasons.push({ SameProvider: { chosen } });
    if (reasons.length === 0) firstOfProvider.set(providerKey(offer.provider), id);
    offers.push({ offer: id, reasons });
  }
  return {
    needed: request.redundancy,
    eligible: entry === undefined ? 0 : eligibleProviders(book, entry, request, multiplier, context),
    offers,
    more_offers: BigInt(Math.max(0, live - MAX_EXPLAINED)),
    other_model_offers: BigInt(book.index.liveTotal - live),
  };
}

// Only offers on the ladders (active, of certified and staked providers) can be eligible, so counting them all is
// exact however few offers the explanation lists, and costs nothing per junk offer.
function eligibleProviders(book: OfferBook, entry: ModelEntry, request: JobRequest, multiplier: number, context: MatchContext): number {
  const providers = new Set<string>();
  for (const ladder of [entry.perToken, entry.perRequest]) {
    for (let i = 0; i < ladder.size; i++) {
      const offer = book.get(ladder.at(i)!.id) as Offer;
      if (exclusionsOf(offer, request, multiplier, context).length === 0) providers.add(providerKey(offer.provider));
    }
  }
  return providers.size;
}
