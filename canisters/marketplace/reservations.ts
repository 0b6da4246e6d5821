// Capacity accounting over time: at every instant of a window, the slots reserved on an offer stay within its
// capacity, and a window that has begun also leaves room for the jobs running now. A future window cannot see
// the jobs that will run then; matching counts reserved slots as in use, so new jobs stop taking them and the
// running ones drain. Expired reservations are removed; payment happens up front, outside these rules.
import type { Principal } from '@dfinity/principal';

import { HOUR_NS, type MarketConfig } from './config';
import { ceilDiv } from './pricing';
import type { Offer, OfferId } from './offer_types';
import type { Reservation, ReservationRequest, ReservationResult } from './reservation_types';

/** slots × price per slot-hour × duration, the fraction of an hour rounded up in the provider's favour. */
export function reservationPrice(offer: Offer, slots: number, start: bigint, end: bigint): bigint {
  return ceilDiv(BigInt(slots) * offer.terms.reservation_price_per_slot_hour * (end - start), HOUR_NS);
}

export class Reservations {
  private readonly byOffer = new Map<OfferId, Reservation[]>();
  private nextId = 0n;

  constructor(existing: Iterable<Reservation> = []) {
    for (const reservation of existing) {
      this.add(reservation);
      if (reservation.id >= this.nextId) this.nextId = reservation.id + 1n;
    }
  }

  reserve(caller: Principal, now: bigint, offer: Offer, request: ReservationRequest, config: MarketConfig): ReservationResult<Reservation> {
    if (caller.isAnonymous()) return { Err: { Unauthorized: 'the anonymous principal cannot reserve' } };
    const { slots, start, end } = request;
    if (slots === 0) return { Err: { InvalidInput: 'slots: at least 1' } };
    if (start < now) return { Err: { InvalidInput: 'start: not in the past' } };
    if (end <= start) return { Err: { InvalidInput: 'end: after start' } };
    if (end - start > config.max_reservation_ns) return { Err: { InvalidInput: `duration: at most ${config.max_reservation_ns} ns` } };
    if (!('active' in offer.status)) return { Err: { OfferUnavailable: 'the offer is not active' } };
    if (offer.terms.reservation_price_per_slot_hour === 0n) return { Err: { OfferUnavailable: 'the offer takes no reservations' } };
    const running = start === now ? offer.load : 0;
    const free = offer.terms.capacity - running - this.peak(offer.id, start, end);
    if (slots > free) return { Err: { InsufficientCapacity: { free: Math.max(0, free) } } };
    const reservation: Reservation = {
      id: this.nextId++,
      consumer: caller,
      offer: offer.id,
      slots,
      start,
      end,
      price: reservationPrice(offer, slots, start, end),
    };
    this.add(reservation);
    return { Ok: reservation };
  }

  /** Slots reserved on the offer at instant `at`. */
  reservedAt(offer: OfferId, at: bigint): number {
    let slots = 0;
    for (const r of this.byOffer.get(offer) ?? []) if (r.start <= at && at < r.end) slots += r.slots;
    return slots;
  }

  /** Slots reserved now on every offer that has some, as matching takes them. */
  reservedNow(now: bigint): Map<OfferId, number> {
    const reserved = new Map<OfferId, number>();
    for (const offer of this.byOffer.keys()) {
      const slots = this.reservedAt(offer, now);
      if (slots > 0) reserved.set(offer, slots);
    }
    return reserved;
  }

  /** The most slots reserved at any instant of [start, end): a sweep over the window's start and end events. */
  peak(offer: OfferId, start: bigint, end: bigint): number {
    const events: [bigint, number][] = [];
    for (const r of this.byOffer.get(offer) ?? []) {
      if (r.end <= start || r.start >= end) continue;
      events.push([r.start > start ? r.start : start, r.slots], [r.end, -r.slots]);
    }
    // Ends sort before starts at the same instant: a window ending at t frees its slots for one starting at t.
    events.sort(([a, da], [b, db]) => (a !== b ? (a < b ? -1 : 1) : da - db));
    let [current, most] = [0, 0];
    for (const [, delta] of events) most = Math.max(most, (current += delta));
    return most;
  }

  /** Removes and returns the reservations whose window has ended by `now`. */
  expire(now: bigint): Reservation[] {
    const expired: Reservation[] = [];
    for (const [offer, list] of this.byOffer) {
      const kept = list.filter((r) => (r.end <= now ? (expired.push(r), false) : true));
      if (kept.length === 0) this.byOffer.delete(offer);
      else this.byOffer.set(offer, kept);
    }
    return expired;
  }

  private add(reservation: Reservation): void {
    const list = this.byOffer.get(reservation.offer) ?? [];
    list.push(reservation);
    this.byOffer.set(reservation.offer, list);
  }
}
