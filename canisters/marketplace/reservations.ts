// Capacity accounting over time: at every instant of a window, the slots reserved on an offer stay within its
// capacity, and a window that has begun also leaves room for the jobs running now. A future window cannot see
// the jobs that will run then; matching counts a reservation's idle slots as in use, so other jobs stop taking
// them and the running ones drain, while the holder's own jobs run in them. Paid reservations are removed once
// their window ends; payment happens up front, in the glue (job_desk.ts).
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
  private readonly byId = new Map<bigint, Reservation>();
  // Jobs of each reservation running in its slots now (heap only: rebuilt from the unfinished jobs).
  private readonly running = new Map<bigint, number>();

  constructor(existing: Iterable<Reservation> = []) {
    for (const reservation of existing) this.add(reservation);
  }

  get(id: bigint): Reservation | undefined {
    return this.byId.get(id);
  }

  /** A new reservation with the id the caller gives (one sequence with jobs), not yet paid. */
  reserve(
    id: bigint,
    caller: Principal,
    now: bigint,
    offer: Offer,
    request: ReservationRequest,
    config: MarketConfig,
  ): ReservationResult<Reservation> {
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
      id,
      consumer: caller,
      offer: offer.id,
      slots,
      start,
      end,
      price: reservationPrice(offer, slots, start, end),
      paid: false,
    };
    this.add(reservation);
    return { Ok: reservation };
  }

  /** Drops a reservation whose payment failed. */
  remove(id: bigint): void {
    const reservation = this.byId.get(id);
    if (reservation === undefined) return;
    this.byId.delete(id);
    const kept = (this.byOffer.get(reservation.offer) ?? []).filter((r) => r.id !== id);
    if (kept.length === 0) this.byOffer.delete(reservation.offer);
    else this.byOffer.set(reservation.offer, kept);
    this.running.delete(id);
  }

  markPaid(id: bigint): Reservation | undefined {
    const reservation = this.byId.get(id);
    if (reservation === undefined) return undefined;
    const paid = { ...reservation, paid: true };
    this.remove(id);
    this.add(paid);
    return paid;
  }

  /** The consumer's reservations, in the order they were made. */
  of(consumer: Principal): Reservation[] {
    return [...this.byId.values()].filter((r) => r.consumer.compareTo(consumer) === 'eq').sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Reservations whose price is escrowed but not yet settled to the provider. */
  unpaid(): Reservation[] {
    return [...this.byId.values()].filter((r) => !r.paid);
  }

  /** Why the holder cannot run one more job in the reservation now, or undefined when a slot is free. */
  checkUse(reservation: Reservation, caller: Principal, now: bigint): string | undefined {
    if (reservation.consumer.compareTo(caller) !== 'eq') return 'reservation: it belongs to another consumer';
    // Until the price is settled to the provider the reservation may still fall through, so it runs nothing.
    if (!reservation.paid) return 'reservation: not paid yet';
    if (now < reservation.start || now >= reservation.end) return 'reservation: outside its window';
    const used = this.running.get(reservation.id) ?? 0;
    if (used >= reservation.slots) return `reservation: all ${reservation.slots} slots are in use`;
  }

  /** One job more (delta 1) or fewer (-1) running in the reservation's slots. */
  use(id: bigint, delta: 1 | -1): void {
    this.running.set(id, Math.max(0, (this.running.get(id) ?? 0) + delta));
  }

  /** Slots reserved on the offer at instant `at`. */
  reservedAt(offer: OfferId, at: bigint): number {
    let slots = 0;
    for (const r of this.byOffer.get(offer) ?? []) if (r.start <= at && at < r.end) slots += r.slots;
    return slots;
  }

  /**
   * Slots reserved now and idle on every offer that has some, as matching takes them: the holder's running jobs
   * already count in the offer's load, so their slots are not counted twice.
   */
  reservedNow(now: bigint): Map<OfferId, number> {
    const reserved = new Map<OfferId, number>();
    for (const [offer, list] of this.byOffer) {
      let slots = 0;
      for (const r of list) if (r.start <= now && now < r.end) slots += Math.max(0, r.slots - (this.running.get(r.id) ?? 0));
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

  /** Removes and returns the paid reservations whose window has ended by `now`; unpaid ones wait for payment. */
  expire(now: bigint): Reservation[] {
    const expired = [...this.byId.values()].filter((r) => r.end <= now && r.paid);
    for (const r of expired) this.remove(r.id);
    return expired;
  }

  private add(reservation: Reservation): void {
    const list = this.byOffer.get(reservation.offer) ?? [];
    list.push(reservation);
    this.byOffer.set(reservation.offer, list);
    this.byId.set(reservation.id, reservation);
  }
}
