// Who may audit a job: nodes of eligible providers outside it, for the bridge to draw auditors from at random. The
// job's own providers (runners and spares alike) are left out, so spares colluding with each other, or with the
// runner, are never asked to judge it. The walk starts at a random rung of each ladder (and wraps), so the cheapest
// providers are not everyone's auditors and no price places a colluder among a job's candidates. Pure: the book,
// the standings and the random source come in.
import type { Principal } from '@dfinity/principal';

import { exclusionsOf, providerKey, type MatchContext } from './eligibility';
import type { Job } from './job_types';
import type { Offer } from './offer_types';
import type { OfferBook } from './offers';

/** The most offers one call walks, so its cost does not grow with the market. */
export const AUDIT_WALK = 64;
/** The most candidates one call returns. */
export const MAX_AUDIT_CANDIDATES = 16;

// An audit is not paid from the consumer's price and adds no load to the offer: only these reasons do not bar it.
const notBarring = (reason: object): boolean => 'PriceAboveMax' in reason || 'NoCapacity' in reason;
// The price does not bar an audit, so any multiplier does: 1x.
const ONE_X_BPS = 10_000;

/** A whole number in [0, bound): the canister's seeded random source. */
export type RandomBelow = (bound: number) => number;

/**
 * Up to `count` nodes (at most MAX_AUDIT_CANDIDATES), one per provider, of active offers of certified, staked
 * providers serving the job's model on hardware it asks for; none of the job's providers. Each of the model's price
 * ladders is walked from a rung `randomBelow` picks, wrapping round, at most AUDIT_WALK offers in all: only
 * matchable providers' offers are on them.
 */
export function auditCandidates(book: OfferBook, job: Job, count: number, context: MatchContext, randomBelow: RandomBelow): Principal[] {
  const entry = book.index.model(job.request.model);
  if (entry === undefined) return [];
  const taken = new Set(job.offers.map((id) => providerKey(book.get(id)!.provider)));
  const wanted = Math.min(count, MAX_AUDIT_CANDIDATES);
  const nodes: Principal[] = [];
  let walked = 0;
  for (const ladder of [entry.perToken, entry.perRequest]) {
    const start = ladder.size === 0 ? 0 : randomBelow(ladder.size);
    for (let i = 0; i < ladder.size && walked < AUDIT_WALK && nodes.length < wanted; i++, walked++) {
      const offer = book.get(ladder.at((start + i) % ladder.size)!.id) as Offer;
      const node = offer.terms.nodes[0];
      if (node === undefined || taken.has(providerKey(offer.provider))) continue;
      if (!exclusionsOf(offer, job.request, ONE_X_BPS, context).every(notBarring)) continue;
      taken.add(providerKey(offer.provider));
      nodes.push(node);
    }
  }
  return nodes;
}
