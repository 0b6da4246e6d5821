import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { providerKey } from '../../../canisters/marketplace/eligibility';
import { OfferBook } from '../../../canisters/marketplace/offers';
import { ok, setup, terms, user } from './fixtures';

const alice = user(1);
const mallory = user(2);

/** What the index holds for a model: active ids cheapest first per ladder, live ids, summed capacity and load. */
function indexOf(book: OfferBook, model: bigint) {
  const entry = book.index.model(model);
  if (entry === undefined) return undefined;
  const ids = (ladder: { size: number; at(i: number): { id: bigint } | undefined }) =>
    Array.from({ length: ladder.size }, (_, i) => ladder.at(i)!.id);
  return {
    perToken: ids(entry.perToken),
    perRequest: ids(entry.perRequest),
    live: book.index.liveIds(model, 0, 100),
    capacity: entry.capacity,
    load: entry.load,
  };
}

describe('creating offers', () => {
  it('stores an active offer with a dense id, the caller as provider and no load, and indexes it per model', () => {
    const { book } = setup();
    const first = ok(book.create(alice, 5n, terms({ models: [1n, 2n] })));
    expect(first).toMatchObject({ id: 0n, provider: alice, load: 0, status: { active: null }, created_at: 5n, updated_at: 5n });
    expect(ok(book.create(alice, 6n, terms({ price: { unit: { per_request: null }, amount: 50n } }))).id).toBe(1n);
    expect(indexOf(book, 1n)).toEqual({ perToken: [0n], perRequest: [1n], live: [0n, 1n], capacity: 8, load: 0 });
    expect(indexOf(book, 2n)).toEqual({ perToken: [0n], perRequest: [], live: [0n], capacity: 4, load: 0 });
    expect(book.index.liveTotal).toBe(2);
  });

  it.each([
    [{ models: [] }, 'models: 1 to 32'],
    [{ models: [1n, 1n] }, 'models: each model once'],
    [{ nodes: [] }, 'nodes: 1 to 16'],
    [{ nodes: [Principal.anonymous()] }, 'nodes: the anonymous principal is not a node'],
    [{ nodes: [user(9), user(9)] }, 'nodes: each node once'],
    [{ region: 'EU West' }, 'region: a lowercase code such as "eu-west"'],
    [{ price: { unit: { per_request: null }, amount: 0n } }, 'price: must be more than zero'],
    [{ capacity: 0 }, 'capacity: 1 to 10000'],
    [{ sla: { p95_latency_ms: 10, uptime_bps: 10_001, late_refund_bps: 0 } }, 'sla.uptime_bps: at most 10000'],
  ] as const)('refuses invalid terms %# and stores nothing', (override, reason) => {
    const { book, store } = setup();
    expect(book.create(alice, 0n, terms(override as never))).toEqual({ Err: { InvalidInput: reason } });
    expect(store.map.size).toBe(0);
    expect(book.index.model(1n)).toBeUndefined();
  });

  it('refuses the anonymous principal', () => {
    const { book } = setup();
    expect(book.create(Principal.anonymous(), 0n, terms())).toEqual({ Err: { Unauthorized: 'the anonymous principal cannot offer' } });
  });
});

describe('changing offers', () => {
  it('lets only the provider update, pause, resume or retire', () => {
    const { book, store } = setup();
    ok(book.create(alice, 0n, terms()));
    const refused = { Err: { Unauthorized: 'only the provider may change an offer' } };
    expect(book.update(mallory, 1n, 0n, terms({ capacity: 1 }))).toEqual(refused);
    expect(book.pause(mallory, 1n, 0n)).toEqual(refused);
    expect(book.resume(mallory, 1n, 0n)).toEqual(refused);
    expect(book.retire(mallory, 1n, 0n)).toEqual(refused);
    expect(book.update(Principal.anonymous(), 1n, 0n, terms())).toEqual(refused);
    expect(store.map.get(0n)).toMatchObject({ status: { active: null }, updated_at: 0n, terms: { capacity: 4 } });
    expect(book.pause(alice, 1n, 7n)).toEqual({ Err: { NotFound: null } });
  });

  it('moves the offer on the ladders and the capacity totals when the terms change', () => {
    const { book } = setup();
    ok(book.create(alice, 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 300n } })));
    ok(book.create(alice, 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 200n } })));
    expect(indexOf(book, 1n)?.perToken).toEqual([1n, 0n]);
    const updated = ok(
      book.update(alice, 9n, 0n, terms({ models: [1n, 3n], capacity: 10, price: { unit: { per_1k_tokens: null }, amount: 100n } })),
    );
    expect(updated).toMatchObject({ updated_at: 9n, status: { active: null }, terms: { capacity: 10 } });
    expect(indexOf(book, 1n)).toEqual({ perToken: [0n, 1n], perRequest: [], live: [0n, 1n], capacity: 14, load: 0 });
    expect(indexOf(book, 3n)).toEqual({ perToken: [0n], perRequest: [], live: [0n], capacity: 10, load: 0 });
    ok(book.update(alice, 10n, 0n, terms({ models: [3n] })));
    expect(indexOf(book, 1n)?.live).toEqual([1n]);
  });

  it('keeps a paused offer live (for explanations) but off the ladders, and resumes it', () => {
    const { book } = setup();
    ok(book.create(alice, 0n, terms()));
    expect(ok(book.pause(alice, 3n, 0n))).toMatchObject({ status: { paused: null }, updated_at: 3n });
    expect(indexOf(book, 1n)).toEqual({ perToken: [], perRequest: [], live: [0n], capacity: 0, load: 0 });
    expect(ok(book.pause(alice, 4n, 0n)).updated_at).toBe(3n);
    ok(book.resume(alice, 5n, 0n));
    expect(indexOf(book, 1n)).toEqual({ perToken: [0n], perRequest: [], live: [0n], capacity: 4, load: 0 });
  });

  it('makes retirement final and drops the offer from the index', () => {
    const { book } = setup();
    ok(book.create(alice, 0n, terms()));
    ok(book.pause(alice, 1n, 0n));
    expect(ok(book.retire(alice, 2n, 0n)).status).toEqual({ retired: null });
    expect(book.index.model(1n)).toBeUndefined();
    expect(book.index.liveTotal).toBe(0);
    for (const change of [
      () => book.resume(alice, 3n, 0n),
      () => book.pause(alice, 3n, 0n),
      () => book.retire(alice, 3n, 0n),
      () => book.update(alice, 3n, 0n, terms()),
    ]) {
      expect(change()).toEqual({ Err: { Retired: null } });
    }
  });

  it('counts load: acquire up to capacity on active offers, release on any, and never below running jobs', () => {
    const { book } = setup();
    ok(book.create(alice, 0n, terms({ capacity: 2 })));
    ok(book.acquire(0n));
    ok(book.acquire(0n));
    expect(book.acquire(0n)).toEqual({ Err: { NoFreeSlot: null } });
    expect(indexOf(book, 1n)?.load).toBe(2);
    expect(book.update(alice, 1n, 0n, terms({ capacity: 1 }))).toEqual({ Err: { CapacityBelowLoad: { load: 2 } } });
    ok(book.pause(alice, 1n, 0n));
    expect(book.acquire(0n)).toEqual({ Err: { NoFreeSlot: null } });
    expect(ok(book.release(0n)).load).toBe(1);
    ok(book.resume(alice, 2n, 0n));
    expect(indexOf(book, 1n)).toMatchObject({ capacity: 2, load: 1 });
    ok(book.retire(alice, 3n, 0n));
    expect(ok(book.release(0n)).load).toBe(0);
    expect(book.release(0n)).toEqual({ Err: { InvalidInput: 'release: the offer has no running job' } });
  });

  it('rebuilds the same index from the store and the providers it may rank, as after an upgrade', () => {
    const { book, store } = setup();
    ok(book.create(alice, 0n, terms({ models: [1n, 2n] })));
    ok(book.create(mallory, 0n, terms({ price: { unit: { per_request: null }, amount: 9n } })));
    ok(book.create(alice, 0n, terms()));
    ok(book.acquire(1n));
    ok(book.pause(alice, 1n, 2n));
    ok(book.retire(mallory, 1n, 1n));
    const rebuilt = new OfferBook(store, undefined, [alice, mallory].map(providerKey));
    for (const model of [1n, 2n]) expect(indexOf(rebuilt, model)).toEqual(indexOf(book, model));
    expect(rebuilt.index.liveTotal).toBe(book.index.liveTotal);
  });
});
