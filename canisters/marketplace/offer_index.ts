// The index over offers, per model: the active ones of matchable providers (certified, staked) on price ladders
// with their summed capacity and load (for the utilization multiplier and the walk a match makes), and every live
// (active or paused) one, for explaining a no-match. Offers of providers that cannot be matched count neither
// toward capacity nor in the walk, so junk offers cost a match nothing. Retired offers leave it. The ladders are a
// heap cache, rebuilt after an upgrade from the offers of certified providers only (a stranger's offers are never
// on them) and for one provider when its standing changes; the live sets are kept in stable memory (live_offers.ts).
import type { Principal } from '@dfinity/principal';

import type { ModelId } from '../shared/models';
import { LiveOffers } from './live_offers';
import type { Offer, OfferId } from './offer_types';
import { PriceLadder } from './price_ladder';

export type ModelEntry = {
  perToken: PriceLadder;
  perRequest: PriceLadder;
  capacity: number;
  load: number;
};

const newEntry = (): ModelEntry => ({ perToken: new PriceLadder(), perRequest: new PriceLadder(), capacity: 0, load: 0 });

const liveModels = (offer: Offer | undefined): ModelId[] => (offer === undefined || 'retired' in offer.status ? [] : offer.terms.models);

export class OfferIndex {
  private readonly models = new Map<ModelId, ModelEntry>();
  // Offers on the ladders now, so taking one off removes exactly what putting it on added.
  private readonly ranked = new Set<OfferId>();

  /** `matchable`: whether a provider's active offers go on the ladders; `live`: the live sets; `offers`: how many exist. */
  constructor(
    private readonly matchable: (provider: Principal) => boolean,
    private readonly live: LiveOffers,
    private readonly offers: () => bigint,
  ) {}

  /** A new offer. */
  add(offer: Offer): void {
    this.setLive(undefined, offer);
    this.rank(offer);
  }

  /** Replaces `before` by `after` (the same offer id): a change of terms or status. */
  replace(before: Offer, after: Offer): void {
    this.unrank(before);
    this.setLive(before, after);
    this.rank(after);
  }

  /** The provider's standing may have changed, or the ladders are being rebuilt: the offer goes on or off them. */
  rerank(offer: Offer): void {
    this.unrank(offer);
    this.rank(offer);
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

  /** The model's ladders, capacity and load; undefined when it has no live offer. */
  model(model: ModelId): ModelEntry | undefined {
    return this.models.get(model) ?? (this.live.count(model) > 0 ? newEntry() : undefined);
  }

  /** Live offers of the model. */
  liveCount(model: ModelId): number {
    return this.live.count(model);
  }

  /** The model's live offer ids in ascending order, a page of them. */
  liveIds(model: ModelId, offset: number, limit: number): OfferId[] {
    return this.live.ids(model, offset, limit, this.offers());
  }

  /** Active and paused offers of every model. */
  get liveTotal(): number {
    return this.live.total;
  }

  private setLive(before: Offer | undefined, after: Offer): void {
    const [was, is] = [liveModels(before), liveModels(after)];
    for (const model of was) if (!is.includes(model)) this.live.delete(model, after.id);
    for (const model of is) if (!was.includes(model)) this.live.add(model, after.id);
    if (was.length === 0 && is.length > 0) this.live.adjustTotal(1);
    if (was.length > 0 && is.length === 0) this.live.adjustTotal(-1);
  }

  private rank(offer: Offer): void {
    if (!('active' in offer.status) || !this.matchable(offer.provider)) return;
    this.ranked.add(offer.id);
    for (const model of offer.terms.models) {
      let entry = this.models.get(model);
      if (entry === undefined) this.models.set(model, (entry = newEntry()));
      ladderOf(entry, offer).add(offer.terms.price.amount, offer.id);
      entry.capacity += offer.terms.capacity;
      entry.load += offer.load;
    }
  }

  private unrank(offer: Offer): void {
    if (!this.ranked.delete(offer.id)) return;
    for (const model of offer.terms.models) {
      const entry = this.models.get(model)!;
      ladderOf(entry, offer).remove(offer.terms.price.amount, offer.id);
      entry.capacity -= offer.terms.capacity;
      entry.load -= offer.load;
      if (entry.perToken.size === 0 && entry.perRequest.size === 0) this.models.delete(model);
    }
  }
}

function ladderOf(entry: ModelEntry, offer: Offer): PriceLadder {
  return 'per_request' in offer.terms.price.unit ? entry.perRequest : entry.perToken;
}
