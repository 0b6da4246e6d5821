// The heap index over offers, per model: the active ones of matchable providers (certified, staked) on price
// ladders with their summed capacity and load (for the utilization multiplier and the walk a match makes), and
// every live (active or paused) one, for explaining a no-match. Offers of providers that cannot be matched count
// neither toward capacity nor in the walk, so junk offers cost a match nothing. Retired offers leave it. It is a
// cache, rebuilt from the offers after an upgrade and for one provider when its standing changes.
import type { Principal } from '@dfinity/principal';

import type { ModelId } from '../shared/models';
import type { Offer, OfferId } from './offer_types';
import { PriceLadder } from './price_ladder';

export type ModelEntry = {
  perToken: PriceLadder;
  perRequest: PriceLadder;
  live: Set<OfferId>;
  capacity: number;
  load: number;
};

const newEntry = (): ModelEntry => ({ perToken: new PriceLadder(), perRequest: new PriceLadder(), live: new Set(), capacity: 0, load: 0 });

export class OfferIndex {
  private readonly models = new Map<ModelId, ModelEntry>();
  // Offers on the ladders now, so removing one takes off exactly what adding it put on.
  private readonly ranked = new Set<OfferId>();
  private liveCount = 0;

  /** `matchable`: whether a provider's active offers go on the ladders. */
  constructor(private readonly matchable: (provider: Principal) => boolean) {}

  add(offer: Offer): void {
    if ('retired' in offer.status) return;
    this.liveCount++;
    const ranked = 'active' in offer.status && this.matchable(offer.provider);
    if (ranked) this.ranked.add(offer.id);
    for (const model of offer.terms.models) {
      let entry = this.models.get(model);
      if (entry === undefined) this.models.set(model, (entry = newEntry()));
      entry.live.add(offer.id);
      if (!ranked) continue;
      ladderOf(entry, offer).add(offer.terms.price.amount, offer.id);
      entry.capacity += offer.terms.capacity;
      entry.load += offer.load;
    }
  }

  remove(offer: Offer): void {
    if ('retired' in offer.status) return;
    this.liveCount--;
    const ranked = this.ranked.delete(offer.id);
    for (const model of offer.terms.models) {
      const entry = this.models.get(model);
      if (entry === undefined) continue;
      entry.live.delete(offer.id);
      if (ranked) {
        ladderOf(entry, offer).remove(offer.terms.price.amount, offer.id);
        entry.capacity -= offer.terms.capacity;
        entry.load -= offer.load;
      }
      if (entry.live.size === 0) this.models.delete(model);
    }
  }

  /** Replaces `before` by `after` (the same offer id): a change of terms, status or load. */
  replace(before: Offer, after: Offer): void {
    this.remove(before);
    this.add(after);
  }

  /** A change of load only, without moving the offer on its ladders. */
  adjustLoad(offer: Offer, delta: number): void {
    if (!this.ranked.has(offer.id)) return;
    for (const model of offer.terms.models) this.models.get(model)!.load += delta;
  }

  /** Offers on the ladders: the active ones of matchable providers, in the order they went on. */
  rankedOffers(): Iterable<OfferId> {
    return this.ranked.values();
  }

  model(model: ModelId): ModelEntry | undefined {
    return this.models.get(model);
  }

  /** Active and paused offers of every model. */
  get live(): number {
    return this.liveCount;
  }
}

function ladderOf(entry: ModelEntry, offer: Offer): PriceLadder {
  return 'per_request' in offer.terms.price.unit ? entry.perRequest : entry.perToken;
}
