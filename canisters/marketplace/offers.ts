// The offer rules: only the owner changes an offer, a retired offer is final, capacity never drops below the
// jobs running, and every change keeps the index in step. Storage, with the indexes that must survive an upgrade
// without reading every offer, comes in through a small interface so the canister backs it with stable memory and
// tests with maps.
import type { Principal } from '@dfinity/principal';

import { providerKey } from './eligibility';
import { LiveOffers, type LiveStore } from './live_offers';
import { OfferIndex } from './offer_index';
import type { Offer, OfferId, OfferResult, OfferStatus, OfferTerms } from './offer_types';
import { checkTerms } from './offer_validation';

export interface OfferStore {
  get(id: OfferId): Offer | undefined;
  put(offer: Offer): void;
  count(): bigint;
  /** Each provider's offer ids (by providerKey), for the cap and for ranking a provider whose standing changed. */
  providers: { ids(key: string): OfferId[]; add(key: string, id: OfferId): void };
  /** The live sets per model (live_offers.ts). */
  live: LiveStore;
}

const NOT_FOUND: OfferResult<never> = { Err: { NotFound: null } };

/** Offers one provider may create: offers are never removed (retired ones stay), so each is stored for good. */
export const MAX_OFFERS_PER_PROVIDER = 64;

const everyone = (): boolean => true;

export class OfferBook {
  readonly index: OfferIndex;

  /**
   * `matchable` says whose active offers go on the price ladders; by default everyone's (the offer rules alone).
   * `ranked`: the providers (by providerKey) whose offers may be on the ladders, put there now (after an upgrade,
   * the certified ones: no one else's offers can be matched, so the rest of the book is not read).
   */
  constructor(
    private readonly store: OfferStore,
    matchable: (provider: Principal) => boolean = everyone,
    ranked: Iterable<string> = [],
  ) {
    this.index = new OfferIndex(matchable, new LiveOffers(store.live), () => store.count());
    for (const key of ranked) this.rerank(key);
  }

  /** A provider's standing changed: its offers move onto or off the ladders. */
  reindex(provider: Principal): void {
    this.rerank(providerKey(provider));
  }

  /** The standings of these providers (by providerKey) may have changed (a new minimum stake). */
  reindexAll(providers: Iterable<string>): void {
    for (const key of providers) this.rerank(key);
  }

  /** The provider's offer ids, oldest first. */
  offersOf(provider: Principal): OfferId[] {
    return this.store.providers.ids(providerKey(provider));
  }

  private rerank(key: string): void {
    for (const id of this.store.providers.ids(key)) this.index.rerank(this.store.get(id)!);
  }

  get(id: OfferId): Offer | undefined {
    return this.store.get(id);
  }

  /** A new active offer owned by the caller. Ids are dense from 0 because offers are retired, never removed. */
  create(caller: Principal, now: bigint, terms: OfferTerms): OfferResult<Offer> {
    if (caller.isAnonymous()) return { Err: { Unauthorized: 'the anonymous principal cannot offer' } };
    const problem = checkTerms(terms);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    if (this.offersOf(caller).length >= MAX_OFFERS_PER_PROVIDER) return { Err: { TooManyOffers: { max: MAX_OFFERS_PER_PROVIDER } } };
    const offer: Offer = {
      id: this.store.count(),
      provider: caller,
      terms,
      load: 0,
      status: { active: null },
      created_at: now,
      updated_at: now,
    };
    this.store.put(offer);
    this.store.providers.add(providerKey(caller), offer.id);
    this.index.add(offer);
    return { Ok: offer };
  }

  /** New terms for a live offer; its status and load stay. */
  update(caller: Principal, now: bigint, id: OfferId, terms: OfferTerms): OfferResult<Offer> {
    return this.change(caller, id, (offer) => {
      const problem = checkTerms(terms);
      if (problem !== undefined) return { Err: { InvalidInput: problem } };
      if (terms.capacity < offer.load) return { Err: { CapacityBelowLoad: { load: offer.load } } };
      return { Ok: { ...offer, terms, updated_at: now } };
    });
  }

  /** Stops new matches; running jobs finish. Pausing a paused offer changes nothing. */
  pause(caller: Principal, now: bigint, id: OfferId): OfferResult<Offer> {
    return this.setStatus(caller, now, id, { paused: null });
  }

  resume(caller: Principal, now: bigint, id: OfferId): OfferResult<Offer> {
    return this.setStatus(caller, now, id, { active: null });
  }

  /** Final: a retired offer is never matched, updated or resumed again. */
  retire(caller: Principal, now: bigint, id: OfferId): OfferResult<Offer> {
    return this.setStatus(caller, now, id, { retired: null });
  }

  /** One more running job on an active offer, refused when it is full. Called by the marketplace, not providers. */
  acquire(id: OfferId): OfferResult<Offer> {
    const offer = this.store.get(id);
    if (offer === undefined) return NOT_FOUND;
    if (!('active' in offer.status)) return { Err: { NoFreeSlot: null } };
    if (offer.load >= offer.terms.capacity) return { Err: { NoFreeSlot: null } };
    return { Ok: this.setLoad(offer, offer.load + 1) };
  }

  /** One running job fewer, whatever the status: jobs on a paused or retired offer still finish. */
  release(id: OfferId): OfferResult<Offer> {
    const offer = this.store.get(id);
    if (offer === undefined) return NOT_FOUND;
    if (offer.load === 0) return { Err: { InvalidInput: 'release: the offer has no running job' } };
    return { Ok: this.setLoad(offer, offer.load - 1) };
  }

  private setLoad(offer: Offer, load: number): Offer {
    const updated = { ...offer, load };
    this.store.put(updated);
    this.index.adjustLoad(offer, load - offer.load);
    return updated;
  }

  private setStatus(caller: Principal, now: bigint, id: OfferId, status: OfferStatus): OfferResult<Offer> {
    return this.change(caller, id, (offer) => {
      if (Object.keys(offer.status)[0] === Object.keys(status)[0]) return { Ok: offer };
      return { Ok: { ...offer, status, updated_at: now } };
    });
  }

  private change(caller: Principal, id: OfferId, apply: (offer: Offer) => OfferResult<Offer>): OfferResult<Offer> {
    const offer = this.store.get(id);
    if (offer === undefined) return NOT_FOUND;
    if (offer.provider.compareTo(caller) !== 'eq') return { Err: { Unauthorized: 'only the provider may change an offer' } };
    if ('retired' in offer.status) return { Err: { Retired: null } };
    const result = apply(offer);
    if ('Ok' in result && result.Ok !== offer) {
      this.store.put(result.Ok);
      this.index.replace(offer, result.Ok);
    }
    return result;
  }
}
