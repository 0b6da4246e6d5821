// Offers of providers that cannot be matched cost a match nothing, explanations stay bounded, offers are capped.
import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import { matchable, providerKey } from '../../../canisters/marketplace/eligibility';
import type { ProviderStanding } from '../../../canisters/marketplace/match_types';
import { MAX_EXPLAINED, match } from '../../../canisters/marketplace/matching';
import { MAX_OFFERS_PER_PROVIDER, OfferBook } from '../../../canisters/marketplace/offers';
import { GOOD, job, memoryOffers, ok, terms, user } from './fixtures';

const MIN = 1_000n;

function market() {
  const standings = new Map<string, ProviderStanding>();
  const book = new OfferBook(memoryOffers(), (p) => matchable(standings.get(providerKey(p)), MIN));
  const stand = (n: number, standing: ProviderStanding) => {
    standings.set(providerKey(user(n)), standing);
    book.reindex(user(n));
  };
  const context = () => ({ config: DEFAULT_CONFIG, minStake: MIN, providers: standings });
  return { book, stand, context };
}

describe('offers of providers that cannot be matched', () => {
  it('count neither toward capacity nor on the ladders, until the provider is certified and staked', () => {
    const { book, stand, context } = market();
    for (let i = 0; i < 200; i++) ok(book.create(user(100 + i), 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 1n } })));
    ok(book.create(user(1), 0n, terms({ capacity: 3 })));
    stand(1, { ...GOOD, stake: MIN });
    const entry = book.index.model(1n)!;
    expect([entry.capacity, entry.perToken.at(0)?.id, entry.perToken.at(1)]).toEqual([3, 200n, undefined]);
    expect(book.index.liveCount(1n)).toBe(201);
    expect(match(book, job(), context())).toMatchObject({ Matched: { chosen: [{ offer: 200n }] } });

    // Staked below the minimum, then certified and staked: off the ladders, then on.
    stand(100, { ...GOOD, stake: MIN - 1n });
    expect(book.index.model(1n)!.capacity).toBe(3);
    stand(100, { ...GOOD, stake: MIN });
    expect(book.index.model(1n)!.capacity).toBe(7);
    expect(match(book, job(), context())).toMatchObject({ Matched: { chosen: [{ offer: 0n }] } });
    // A suspension takes it off again, with its load.
    ok(book.acquire(0n));
    stand(100, { ...GOOD, certified: false });
    expect([book.index.model(1n)!.capacity, book.index.model(1n)!.load]).toEqual([3, 0]);
  });

  it('are explained up to MAX_EXPLAINED, with the rest counted, and the eligible ones counted wherever they are', () => {
    const { book, stand, context } = market();
    for (let i = 0; i < MAX_EXPLAINED + 20; i++) ok(book.create(user(100 + i), 0n, terms()));
    ok(book.create(user(1), 0n, terms()));
    stand(1, { ...GOOD, stake: MIN });
    const outcome = match(book, job({ redundancy: 2 }), context());
    if (!('NoMatch' in outcome)) throw new Error('expected no match');
    expect(outcome.NoMatch.offers).toHaveLength(MAX_EXPLAINED);
    expect(outcome.NoMatch.more_offers).toBe(21n);
    expect(outcome.NoMatch.eligible).toBe(1);
  });
});

describe('a rebuild of the book, as after an upgrade', () => {
  it('reads only the offers of the providers it may rank, and still explains, lists and matches the strangers’', () => {
    const standings = new Map<string, ProviderStanding>();
    const store = memoryOffers();
    const isMatchable = (p: Principal) => matchable(standings.get(providerKey(p)), MIN);
    const before = new OfferBook(store, isMatchable);
    for (let i = 0; i < 50; i++) ok(before.create(user(100 + i), 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 1n } })));
    ok(before.create(user(1), 0n, terms()));
    standings.set(providerKey(user(1)), { ...GOOD, stake: MIN });
    before.reindex(user(1));

    const read = new Set<bigint>();
    const get = store.get;
    store.get = (id) => (read.add(id), get(id));
    const rebuilt = new OfferBook(store, isMatchable, [providerKey(user(1))]);
    expect([...read]).toEqual([50n]);
    const context = { config: DEFAULT_CONFIG, minStake: MIN, providers: standings };
    expect(match(rebuilt, job(), context)).toMatchObject({ Matched: { chosen: [{ offer: 50n }] } });
    expect([rebuilt.index.liveCount(1n), rebuilt.index.liveTotal]).toEqual([51, 51]);
    expect(rebuilt.index.liveIds(1n, 49, 5)).toEqual([49n, 50n]);
    // A stranger certified and staked later goes on the ladders with its offer.
    standings.set(providerKey(user(100)), { ...GOOD, stake: MIN });
    rebuilt.reindex(user(100));
    expect(match(rebuilt, job(), context)).toMatchObject({ Matched: { chosen: [{ offer: 0n }] } });
  });
});

describe('offers per provider', () => {
  it(`are capped at ${MAX_OFFERS_PER_PROVIDER}, retired ones included`, () => {
    const { book } = market();
    for (let i = 0; i < MAX_OFFERS_PER_PROVIDER; i++) ok(book.create(user(1), 0n, terms()));
    ok(book.retire(user(1), 0n, 0n));
    expect(book.create(user(1), 0n, terms())).toEqual({ Err: { TooManyOffers: { max: MAX_OFFERS_PER_PROVIDER } } });
    ok(book.create(user(2), 0n, terms()));
  });
});
