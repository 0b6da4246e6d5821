// The offer rules: only the owner changes an offer, a retired offer is final, capacity never drops below the
// jobs running, and every change keeps the index in step. Storage comes in through a small interface so the
// canister backs it with stable memory and tests with a map.
import type { Principal } from '@dfinity/principal';

import { OfferIndex } from './offer_index';
import type { Offer, OfferId, OfferResult, OfferStatus, OfferTerms } from './offer_types';
import { checkTerms } from './offer_validation';

export interface OfferStore {
  get(id: OfferId): Offer | undefined;
  put(offer: Offer): void;
  count(): bigint;
  /** Every offer, to rebuild the index. */
  values(): Iterable<Offer>;
}

const NOT_FOUND: OfferResult<never> = { Err: { NotFound: null } };

export class OfferBook {
  readonly index = new OfferIndex();

  constructor(private readonly store: OfferStore) {
    for (const offer of store.values()) this.index.add(offer);
  }

  get(id: OfferId): Offer | undefined {
    return this.store.get(id);
  }

  /** A new active offer owned by the caller. Ids are dense from 0 because offers are retired, never removed. */
  create(caller: Principal, now: bigint, terms: OfferTerms): OfferResult<Offer> {
    if (caller.isAnonymous()) return { Err: { Unauthorized: 'the anonymous principal cannot offer' } };
    const problem = checkTerms(terms);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
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
