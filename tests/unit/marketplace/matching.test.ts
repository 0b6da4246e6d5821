import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type MarketConfig } from '../../../canisters/marketplace/config';
import { exclusionsOf, providerKey, type MatchContext } from '../../../canisters/marketplace/eligibility';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import type { Candidate, MatchOutcome } from '../../../canisters/marketplace/match_types';
import { match, modelMultiplier, rank } from '../../../canisters/marketplace/matching';
import type { OfferBook } from '../../../canisters/marketplace/offers';
import { score } from '../../../canisters/marketplace/scoring';
import { context, GOOD, job, ok, random, setup, terms, user } from './fixtures';

function matched(outcome: MatchOutcome) {
  if (!('Matched' in outcome)) throw new Error(`expected Matched, got NoMatch`);
  return outcome.Matched;
}

function noMatch(outcome: MatchOutcome) {
  if (!('NoMatch' in outcome)) throw new Error('expected NoMatch');
  return outcome.NoMatch;
}

describe('scoring', () => {
  it('gives each component in bps and their weighted sum', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms()));
    const request = job({
      region: ['eu-central'],
      hardware: { min_vram_gib: 12, min_compute_capability_x10: 80, min_cpu_cores: 4, min_ram_gib: 0 },
    });
    const { chosen } = matched(match(book, request, context([[1, GOOD]])));
    // Fit: VRAM 12/24, cores 4/16, RAM unasked → (5,000 + 2,500 + 10,000) / 3. Price: 2 × 100 of 1,000 leaves 80%.
    // Same continent, other region: 5,000; p95 1,000 ms of the 5,000 ms reference: 8,000. Nothing running: 10,000.
    expect(chosen).toEqual([
      {
        offer: 0n,
        provider: user(1),
        quote: 200n,
        score: { hardware: 5_833, reputation: 8_000, price: 8_000, region_latency: 6_500, load: 10_000, total: 7_749 },
      },
    ]);
  });

  it('prefers the exact region, lower latency, free capacity and the higher reputation, each alone', () => {
    const { book } = setup();
    const offer = ok(book.create(user(1), 0n, terms()));
    const request = job();
    const base = score(offer, request, 200n, 5_000, 0, DEFAULT_CONFIG);
    expect(score(offer, { ...request, region: ['eu-west'] }, 200n, 5_000, 0, DEFAULT_CONFIG).total).toBe(base.total);
    expect(score(offer, { ...request, region: ['us-east'] }, 200n, 5_000, 0, DEFAULT_CONFIG).total).toBeLessThan(base.total);
    expect(score(offer, request, 200n, 6_000, 0, DEFAULT_CONFIG).total).toBeGreaterThan(base.total);
    expect(score(offer, request, 300n, 5_000, 0, DEFAULT_CONFIG).total).toBeLessThan(base.total);
    expect(score(offer, request, 200n, 5_000, 3, DEFAULT_CONFIG)).toMatchObject({ load: 2_500 });
  });
});

describe('matching', () => {
  it('returns the redundancy plus spares on distinct providers, best first', () => {
    const { book } = setup();
    const standings: [number, typeof GOOD][] = [];
    for (let p = 1; p <= 6; p++) {
      ok(book.create(user(p), 0n, terms()));
      standings.push([p, { ...GOOD, reputation_bps: 1_000 * p }]);
    }
    ok(book.create(user(6), 0n, terms())); // a second offer of the best provider
    const { chosen, spares, multiplier_bps } = matched(match(book, job({ redundancy: 2 }), context(standings)));
    expect(chosen.map((c) => c.provider)).toEqual([user(6), user(5)]);
    expect(spares.map((c) => c.provider)).toEqual([user(4), user(3)]);
    expect(chosen[0].offer).toBe(5n);
    expect(multiplier_bps).toBe(10_000);
  });

  it('breaks equal scores by price, then by the older offer', () => {
    const a = { offer: 2n, quote: 5n, score: { total: 10 } } as Candidate;
    const b = { offer: 1n, quote: 5n, score: { total: 10 } } as Candidate;
    const c = { offer: 0n, quote: 6n, score: { total: 10 } } as Candidate;
    expect([a, b, c].sort(rank).map((x) => x.offer)).toEqual([1n, 2n, 0n]);
  });

  it('charges the priority surcharge and the utilization multiplier in its quotes', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms({ capacity: 10 })));
    const standings = context([[1, GOOD]]);
    expect(matched(match(book, job({ lane: { priority: null } }), standings)).chosen[0].quote).toBe(250n);
    for (let i = 0; i < 9; i++) ok(book.acquire(0n));
    // 90% used: the default curve gives 16,250 bps.
    expect(modelMultiplier(book.index.model(1n), DEFAULT_CONFIG)).toBe(16_250);
    expect(matched(match(book, job(), standings)).chosen[0].quote).toBe(325n);
  });

  it('explains a no-match with every reason of every live offer of the model, and counts the others', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms())); // 0: paused
    ok(book.pause(user(1), 0n, 0n));
    ok(book.create(user(2), 0n, terms({ capacity: 1 }))); // 1: full
    ok(book.acquire(1n));
    ok(
      book.create(
        user(3),
        0n,
        terms({ hardware: { gpu_model: 'T4', vram_gib: 16, compute_capability_x10: 75, cpu_cores: 4, ram_gib: 16 } }),
      ),
    ); // 2
    ok(book.create(user(4), 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 600n } }))); // 3: too dear
    ok(book.create(user(5), 0n, terms())); // 4: uncertified, no stake
    ok(book.create(user(6), 0n, terms())); // 5: eligible
    ok(book.create(user(6), 0n, terms())); // 6: eligible, same provider
    ok(book.create(user(7), 0n, terms({ models: [2n] }))); // another model
    ok(book.create(user(7), 0n, terms({ models: [3n] })));
    ok(book.retire(user(7), 0n, 8n)); // retired offers are not counted
    const good: [number, typeof GOOD][] = [1, 2, 3, 4, 6].map((p) => [p, GOOD]);
    const ctx = context([...good, [5, { certified: false, stake: 10n, reputation_bps: 0 }]], DEFAULT_CONFIG, 500n);
    const request = job({
      redundancy: 2,
      hardware: { min_vram_gib: 20, min_compute_capability_x10: 80, min_cpu_cores: 8, min_ram_gib: 0 },
    });

    expect(noMatch(match(book, request, ctx))).toEqual({
      needed: 2,
      eligible: 1,
      offers: [
        { offer: 0n, reasons: [{ Paused: null }] },
        { offer: 1n, reasons: [{ NoCapacity: { capacity: 1, in_use: 1 } }] },
        {
          offer: 2n,
          reasons: [
            { HardwareTooSmall: { field: { vram_gib: null }, required: 20, offered: 16 } },
            { HardwareTooSmall: { field: { compute_capability_x10: null }, required: 80, offered: 75 } },
            { HardwareTooSmall: { field: { cpu_cores: null }, required: 8, offered: 4 } },
          ],
        },
        { offer: 3n, reasons: [{ PriceAboveMax: { quote: 1_200n, max: 1_000n } }] },
        { offer: 4n, reasons: [{ ProviderNotCertified: null }, { StakeBelowMinimum: { stake: 10n, minimum: 500n } }] },
        { offer: 5n, reasons: [] },
        { offer: 6n, reasons: [{ SameProvider: { chosen: 5n } }] },
      ],
      more_offers: 0n,
      other_model_offers: 1n,
    });
  });

  it('names a wrong model and a retired offer when asked about a single offer', () => {
    const { book } = setup();
    const offer = ok(book.create(user(1), 0n, terms({ models: [2n] })));
    const retired = ok(book.retire(user(1), 1n, offer.id));
    expect(exclusionsOf(retired, job(), 10_000, context([[1, GOOD]]))).toEqual([{ WrongModel: null }, { Retired: null }]);
  });

  it('answers NoMatch with an empty explanation for a model nobody serves', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms({ models: [2n] })));
    expect(noMatch(match(book, job({ model: 9n }), context()))).toEqual({
      needed: 1,
      eligible: 0,
      offers: [],
      more_offers: 0n,
      other_model_offers: 1n,
    });
  });

  it('counts reserved slots as in use', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms({ capacity: 2 })));
    const ctx: MatchContext = { ...context([[1, GOOD]]), reserved: new Map([[0n, 2]]) };
    expect(noMatch(match(book, job(), ctx)).offers[0].reasons).toEqual([{ NoCapacity: { capacity: 2, in_use: 2 } }]);
    const partly: MatchContext = { ...ctx, reserved: new Map([[0n, 1]]) };
    expect(matched(match(book, job(), partly)).chosen[0].score.load).toBe(5_000);
  });

  it('scores only the cheapest candidate_pool eligible offers', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms({ price: { unit: { per_request: null }, amount: 100n } })));
    ok(book.create(user(2), 0n, terms({ price: { unit: { per_1k_tokens: null }, amount: 60n } })));
    ok(book.create(user(3), 0n, terms({ price: { unit: { per_request: null }, amount: 300n } })));
    const standings = context([
      [1, { ...GOOD, reputation_bps: 0 }],
      [2, { ...GOOD, reputation_bps: 0 }],
      [3, { ...GOOD, reputation_bps: 10_000 }],
    ]);
    // Per job, offer 1 costs 120 (2 × 60), so the cheapest two are offers 1 and 0.
    const narrow = matched(
      match(book, job({ redundancy: 1 }), { ...standings, config: { ...DEFAULT_CONFIG, candidate_pool: 2, spares: 5 } }),
    );
    expect([...narrow.chosen, ...narrow.spares].map((c) => c.offer)).toEqual([0n, 1n]);
    const wide = matched(match(book, job({ redundancy: 1 }), standings));
    expect(wide.chosen[0].offer).toBe(2n);
  });
});

describe('matching against a full scan', () => {
  it.each([1, 2, 3, 4, 5])('chooses what scoring every offer would choose when the pool covers them (seed %i)', (seed) => {
    const rand = random(seed);
    const { book } = setup();
    const standings: [number, typeof GOOD][] = [];
    for (let p = 0; p < 40; p++)
      standings.push([
        p,
        { certified: rand() < 0.9, stake: BigInt(Math.floor(rand() * 2_000)), reputation_bps: Math.floor(rand() * 10_001) },
      ]);
    const regions = ['eu-west', 'eu-central', 'us-east', 'ap-south'];
    for (let i = 0; i < 300; i++) {
      const perRequest = rand() < 0.3;
      const offer = ok(
        book.create(
          user(Math.floor(rand() * 40)),
          0n,
          terms({
            models: [BigInt(Math.floor(rand() * 3))],
            region: regions[Math.floor(rand() * regions.length)],
            price: perRequest
              ? { unit: { per_request: null }, amount: BigInt(1 + Math.floor(rand() * 1_500)) }
              : { unit: { per_1k_tokens: null }, amount: BigInt(1 + Math.floor(rand() * 600)) },
            capacity: 1 + Math.floor(rand() * 4),
            hardware: {
              gpu_model: 'x',
              vram_gib: Math.floor(rand() * 80),
              compute_capability_x10: 70 + Math.floor(rand() * 20),
              cpu_cores: 1 + Math.floor(rand() * 32),
              ram_gib: Math.floor(rand() * 256),
            },
            sla: { p95_latency_ms: 1 + Math.floor(rand() * 6_000), uptime_bps: 9_000, late_refund_bps: 0 },
          }),
        ),
      );
      if (rand() < 0.2) ok(book.pause(offer.provider, 0n, offer.id));
      else if (rand() < 0.3) ok(book.acquire(offer.id));
    }
    const config = { ...DEFAULT_CONFIG, candidate_pool: 10_000 };
    const ctx = context(standings, config, 300n);
    let matches = 0;
    for (let q = 0; q < 20; q++) {
      const request = job({
        model: BigInt(Math.floor(rand() * 4)), // nobody serves model 3
        redundancy: 1 + Math.floor(rand() * 3),
        max_tokens: 1 + Math.floor(rand() * 4_000),
        max_price: BigInt(Math.floor(rand() * 2_000)),
        lane: rand() < 0.5 ? { standard: null } : { priority: null },
        region: rand() < 0.5 ? [regions[Math.floor(rand() * regions.length)]] : [],
        hardware: {
          min_vram_gib: Math.floor(rand() * 40),
          min_compute_capability_x10: 75,
          min_cpu_cores: 2,
          min_ram_gib: Math.floor(rand() * 64),
        },
      });
      const outcome = match(book, request, ctx);
      const { picked, multiplier } = fullScan(book, 300, request, ctx);
      if (picked.length < request.redundancy) {
        expect(noMatch(outcome).eligible).toBe(picked.length);
      } else {
        matches++;
        expect(outcome).toEqual({
          Matched: { chosen: picked.slice(0, request.redundancy), spares: picked.slice(request.redundancy), multiplier_bps: multiplier },
        });
      }
    }
    // The inputs are drawn so that both outcomes occur.
    expect(matches).toBeGreaterThan(3);
    expect(matches).toBeLessThan(20);
  });
});

/** The definition of a match by brute force over every offer, which the index and the early stop must reproduce. */
function fullScan(book: OfferBook, count: number, request: JobRequest, ctx: MatchContext) {
  const entry = book.index.model(request.model);
  const multiplier = modelMultiplier(entry, ctx.config);
  const lane = 'priority' in request.lane ? 10_000 + ctx.config.priority_surcharge_bps : 10_000;
  const eligible: Candidate[] = [];
  for (let id = 0n; id < BigInt(count); id++) {
    const offer = book.get(id)!;
    if (exclusionsOf(offer, request, multiplier, ctx).length > 0) continue;
    const units = 'per_request' in offer.terms.price.unit ? 1n : BigInt(Math.ceil(request.max_tokens / 1_000));
    const quote = (offer.terms.price.amount * units * BigInt(multiplier) * BigInt(lane) + 99_999_999n) / 100_000_000n;
    const reputation = ctx.providers.get(providerKey(offer.provider))!.reputation_bps;
    eligible.push({ offer: id, provider: offer.provider, quote, score: score(offer, request, quote, reputation, offer.load, ctx.config) });
  }
  eligible.sort(rank);
  const seen = new Set<string>();
  const picked = eligible
    .filter((c) => !seen.has(providerKey(c.provider)) && seen.add(providerKey(c.provider)))
    .slice(0, request.redundancy + ctx.config.spares);
  return { picked, multiplier };
}
