// Probe targets: nodes of active offers of matchable providers only, each once, in a reply and a walk of bounded size.
import { describe, expect, it } from 'vitest';

import { matchable, providerKey } from '../../../canisters/marketplace/eligibility';
import type { ProviderStanding } from '../../../canisters/marketplace/match_types';
import { OfferBook } from '../../../canisters/marketplace/offers';
import { MAX_PROBE_TARGETS, PROBE_WALK, probeTargets } from '../../../canisters/marketplace/probe_targets';
import { GOOD, memoryOffers, ok, terms, user } from './fixtures';

const MIN_STAKE = 10n;

/** A book whose ladders hold the offers of providers matchable by `standings` (by number), as the canister's. */
function bookOf(standings: [number, ProviderStanding][]) {
  const known = new Map(standings.map(([n, standing]) => [providerKey(user(n)), standing]));
  return new OfferBook(memoryOffers(), (provider) => matchable(known.get(providerKey(provider)), MIN_STAKE));
}

describe('probe targets', () => {
  it('names nodes of active offers of certified, staked providers, and no junk', () => {
    const book = bookOf([
      [1, GOOD],
      [2, { ...GOOD, certified: false }],
      [3, { ...GOOD, stake: 1n }],
      [5, GOOD],
    ]);
    ok(book.create(user(1), 0n, terms({ nodes: [user(101), user(111)] })));
    ok(book.create(user(2), 0n, terms({ nodes: [user(102)] })));
    ok(book.create(user(3), 0n, terms({ nodes: [user(103)] })));
    ok(book.create(user(4), 0n, terms({ nodes: [user(104)] }))); // no standing at all: a stranger
    ok(book.create(user(5), 0n, terms({ nodes: [user(105)] })));
    ok(book.pause(user(5), 0n, 4n));
    expect(probeTargets(book)).toEqual([user(101), user(111)]);
  });

  it('names a node on many offers once, and follows the provider’s standing and its offers’ status', () => {
    const standings = new Map<string, ProviderStanding>();
    const book = new OfferBook(memoryOffers(), (provider) => matchable(standings.get(providerKey(provider)), MIN_STAKE));
    for (let i = 0; i < 3; i++) ok(book.create(user(1), 0n, terms({ nodes: [user(101)] })));
    expect(probeTargets(book)).toEqual([]);
    standings.set(providerKey(user(1)), GOOD);
    book.reindex(user(1));
    expect(probeTargets(book)).toEqual([user(101)]);
    for (const id of [0n, 1n, 2n]) ok(book.retire(user(1), 0n, id));
    expect(probeTargets(book)).toEqual([]);
  });

  it('stops at MAX_PROBE_TARGETS nodes and PROBE_WALK offers', () => {
    const wide = bookOf([[1, GOOD]]);
    const nodes = (from: number) => Array.from({ length: 16 }, (_, k) => user(from + k));
    for (let i = 0; i * 16 <= MAX_PROBE_TARGETS; i++) ok(wide.create(user(1), 0n, terms({ nodes: nodes(10_000 + i * 16) })));
    expect(probeTargets(wide)).toHaveLength(MAX_PROBE_TARGETS);
    // One node per offer past the walk: the call stops at PROBE_WALK offers, however many are on the ladders.
    const standings: [number, ProviderStanding][] = Array.from({ length: PROBE_WALK / 64 + 1 }, (_, n) => [n, GOOD]);
    const long = bookOf(standings);
    for (const [n] of standings) for (let i = 0; i < 64; i++) ok(long.create(user(n), 0n, terms({ nodes: [user(n)] })));
    expect(probeTargets(long)).toHaveLength(PROBE_WALK / 64);
  });
});
