import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, HOUR_NS } from '../../../canisters/marketplace/config';
import type { Offer } from '../../../canisters/marketplace/offer_types';
import { reservationPrice, Reservations } from '../../../canisters/marketplace/reservations';
import { ok, random, setup, terms, user } from './fixtures';

const H = HOUR_NS;
const consumer = user(50);
let next = 0n;
const nextId = (): bigint => next++;

function offerWith(capacity = 4, load = 0): Offer {
  const { book } = setup();
  const offer = ok(book.create(user(1), 0n, terms({ capacity })));
  for (let i = 0; i < load; i++) ok(book.acquire(offer.id));
  return book.get(offer.id)!;
}

describe('reservations', () => {
  it('price slots × hours × the slot-hour price, a part hour rounded up', () => {
    const offer = offerWith();
    expect(reservationPrice(offer, 2, 0n, 3n * H)).toBe(6_000n);
    expect(reservationPrice(offer, 1, 0n, H + 1n)).toBe(1_001n);
    expect(
      ok(new Reservations().reserve(7n, consumer, 0n, offer, { offer: 0n, slots: 3, start: 0n, end: 2n * H }, DEFAULT_CONFIG)),
    ).toEqual({
      id: 7n,
      consumer,
      offer: 0n,
      slots: 3,
      start: 0n,
      end: 2n * H,
      price: 6_000n,
      paid: false,
    });
  });

  it.each([
    [{ slots: 0 }, 'slots: at least 1'],
    [{ start: 5n }, 'start: not in the past'],
    [{ end: 10n }, 'end: after start'],
    [{ end: 10n + 31n * 24n * H }, `duration: at most ${DEFAULT_CONFIG.max_reservation_ns} ns`],
  ])('refuse invalid windows %#', (override, reason) => {
    const request = { offer: 0n, slots: 1, start: 10n, end: 10n + H, ...override };
    expect(new Reservations().reserve(nextId(), consumer, 10n, offerWith(), request, DEFAULT_CONFIG)).toEqual({
      Err: { InvalidInput: reason },
    });
  });

  it('refuse the anonymous principal, inactive offers and offers without a slot price', () => {
    const request = { offer: 0n, slots: 1, start: 0n, end: H };
    const book = new Reservations();
    expect(book.reserve(nextId(), Principal.anonymous(), 0n, offerWith(), request, DEFAULT_CONFIG)).toHaveProperty('Err.Unauthorized');
    expect(book.reserve(nextId(), consumer, 0n, { ...offerWith(), status: { paused: null } }, request, DEFAULT_CONFIG)).toEqual({
      Err: { OfferUnavailable: 'the offer is not active' },
    });
    const free = { ...offerWith(), terms: terms({ reservation_price_per_slot_hour: 0n }) };
    expect(book.reserve(nextId(), consumer, 0n, free, request, DEFAULT_CONFIG)).toEqual({
      Err: { OfferUnavailable: 'the offer takes no reservations' },
    });
  });

  it('keep reserved slots within capacity at every instant, and leave room for running jobs in a window starting now', () => {
    const offer = offerWith(4, 1);
    const book = new Reservations();
    const reserve = (slots: number, start: bigint, end: bigint, now = 0n) =>
      book.reserve(nextId(), consumer, now, offer, { offer: 0n, slots, start, end }, DEFAULT_CONFIG);
    expect(reserve(4, 0n, H)).toEqual({ Err: { InsufficientCapacity: { free: 3 } } });
    ok(reserve(3, 0n, 2n * H));
    ok(reserve(2, 2n * H, 3n * H)); // back to back: the first window's end frees its slots
    expect(reserve(2, H, 3n * H)).toEqual({ Err: { InsufficientCapacity: { free: 1 } } });
    ok(reserve(1, H, 3n * H));
    expect(book.peak(0n, 0n, 3n * H)).toBe(4);
    expect([0n, H, 2n * H, 3n * H].map((t) => book.reservedAt(0n, t))).toEqual([3, 4, 3, 0]);
    expect(book.reservedNow(H)).toEqual(new Map([[0n, 4]]));
  });

  it('expire paid windows that have ended and free their slots; an unpaid one waits for its payment', () => {
    const offer = offerWith(2);
    const book = new Reservations();
    const first = ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 2, start: 0n, end: H }, DEFAULT_CONFIG));
    const second = ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 1, start: H, end: 2n * H }, DEFAULT_CONFIG));
    expect(book.unpaid().map((r) => r.id)).toEqual([first.id, second.id]);
    expect(book.expire(H)).toEqual([]);
    expect(book.markPaid(first.id)?.paid).toBe(true);
    expect(book.expire(H - 1n)).toEqual([]);
    expect(book.expire(H).map((r) => r.id)).toEqual([first.id]);
    expect(book.get(first.id)).toBeUndefined();
    expect(book.reservedNow(H)).toEqual(new Map([[0n, 1]]));
    book.markPaid(second.id);
    expect(book.expire(2n * H).map((r) => r.id)).toEqual([second.id]);
    expect(book.reservedNow(2n * H)).toEqual(new Map());
  });

  it('let the holder run jobs in the reserved slots, which then stop counting as idle', () => {
    const offer = offerWith(4);
    const book = new Reservations();
    const unpaid = ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 2, start: H, end: 2n * H }, DEFAULT_CONFIG));
    expect(book.checkUse(unpaid, consumer, H)).toBe('reservation: not paid yet');
    const r = book.markPaid(unpaid.id)!;
    expect(book.checkUse(r, consumer, 0n)).toBe('reservation: outside its window');
    expect(book.checkUse(r, user(51), H)).toBe('reservation: it belongs to another consumer');
    expect(book.checkUse(r, consumer, H)).toBeUndefined();
    book.use(r.id, 1);
    expect(book.reservedNow(H)).toEqual(new Map([[0n, 1]]));
    book.use(r.id, 1);
    expect(book.checkUse(r, consumer, H)).toBe('reservation: all 2 slots are in use');
    expect(book.reservedNow(H)).toEqual(new Map());
    book.use(r.id, -1);
    expect(book.checkUse(r, consumer, H)).toBeUndefined();
    expect(book.checkUse(r, consumer, 2n * H)).toBe('reservation: outside its window');
  });

  it('drop a reservation whose payment failed, freeing its slots', () => {
    const offer = offerWith(2);
    const book = new Reservations();
    const r = ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 2, start: 0n, end: H }, DEFAULT_CONFIG));
    book.remove(r.id);
    expect(book.get(r.id)).toBeUndefined();
    expect(book.reservedAt(0n, 0n)).toBe(0);
    ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 2, start: 0n, end: H }, DEFAULT_CONFIG));
  });

  it('keep every reservation and its slots after a rebuild from stored ones', () => {
    const offer = offerWith();
    const book = new Reservations();
    const first = ok(book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 1, start: 0n, end: H }, DEFAULT_CONFIG));
    const rebuilt = new Reservations([first]);
    expect(rebuilt.get(first.id)).toEqual(first);
    ok(rebuilt.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots: 1, start: 0n, end: H }, DEFAULT_CONFIG));
    expect(rebuilt.reservedAt(0n, 0n)).toBe(2);
  });

  it.each([1, 2, 3, 4])('never overbook any instant over random requests (seed %i)', (seed) => {
    const rand = random(seed);
    const offer = offerWith(5);
    const book = new Reservations();
    const accepted: { slots: number; start: bigint; end: bigint }[] = [];
    for (let i = 0; i < 300; i++) {
      const start = BigInt(1 + Math.floor(rand() * 48)) * (H / 2n);
      const end = start + BigInt(1 + Math.floor(rand() * 12)) * (H / 4n);
      const slots = 1 + Math.floor(rand() * 3);
      const result = book.reserve(nextId(), consumer, 0n, offer, { offer: 0n, slots, start, end }, DEFAULT_CONFIG);
      if ('Ok' in result) accepted.push({ slots, start, end });
    }
    expect(accepted.length).toBeGreaterThan(10);
    // Occupancy only changes at window edges, so checking every edge checks every instant.
    for (const t of accepted.flatMap((r) => [r.start, r.end])) {
      const used = accepted.filter((r) => r.start <= t && t < r.end).reduce((sum, r) => sum + r.slots, 0);
      expect(used).toBeLessThanOrEqual(5);
      expect(book.reservedAt(0n, t)).toBe(used);
    }
  });
});
