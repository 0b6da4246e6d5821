// Auditor candidates: eligible providers outside the job, one node each, in a walk of bounded length.
import { describe, expect, it } from 'vitest';

import { AUDIT_WALK, auditCandidates, MAX_AUDIT_CANDIDATES } from '../../../canisters/marketplace/auditors';
import type { Job } from '../../../canisters/marketplace/job_types';
import { context, GOOD, job as request, ok, random, setup, terms, user } from './fixtures';

// The walk from the cheapest rung, as a source that always draws 0 makes it.
const cheapestFirst = () => 0;

/** A job of `request()` whose offers (runner, then spares) are `offers`. */
const jobOn = (offers: bigint[], overrides: Partial<Job> = {}): Job => ({
  id: 1n,
  consumer: user(999),
  request: request(),
  state: { settled: null },
  offers,
  quotes: offers.map(() => 1n),
  price: 1n,
  creator: user(998),
  royalty_bps: 0,
  result_hash: [],
  paid_nodes: [],
  late_refund_bps: 0,
  failure: [],
  created_at: 0n,
  updated_at: 0n,
  ...overrides,
});

describe('audit candidates', () => {
  it('names one node per eligible provider outside the job, none of the job’s providers’ other offers', () => {
    const { book } = setup();
    // Providers 1 to 3 hold the job (runner and spares); provider 1 has a second offer; 4 and 5 are outside.
    for (const n of [1, 2, 3, 1, 4, 4, 5]) ok(book.create(user(n), 0n, terms({ nodes: [user(100 + n)] })));
    const standings = [1, 2, 3, 4, 5].map((n) => [n, GOOD] as [number, typeof GOOD]);
    expect(auditCandidates(book, jobOn([0n, 1n, 2n]), 16, context(standings), cheapestFirst)).toEqual([user(104), user(105)]);
    expect(auditCandidates(book, jobOn([0n, 1n, 2n]), 1, context(standings), cheapestFirst)).toEqual([user(104)]);
  });

  it('leaves out uncertified, understaked, paused and too small offers, and other models’', () => {
    const { book } = setup();
    ok(book.create(user(1), 0n, terms()));
    ok(book.create(user(2), 0n, terms({ nodes: [user(102)] })));
    ok(book.create(user(3), 0n, terms({ nodes: [user(103)] })));
    ok(book.create(user(4), 0n, terms({ nodes: [user(104)], hardware: { ...terms().hardware, vram_gib: 8 } })));
    ok(book.create(user(5), 0n, terms({ nodes: [user(105)], models: [2n] })));
    ok(book.create(user(6), 0n, terms({ nodes: [user(106)] })));
    ok(book.pause(user(6), 1n, 5n));
    ok(book.create(user(7), 0n, terms({ nodes: [user(107)] })));
    const standings: [number, typeof GOOD][] = [
      [1, GOOD],
      [2, { ...GOOD, certified: false }],
      [3, { ...GOOD, stake: 1n }],
      [4, GOOD],
      [5, GOOD],
      [6, GOOD],
      [7, GOOD],
    ];
    const big = jobOn([0n], {
      request: request({ hardware: { min_vram_gib: 16, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 } }),
    });
    expect(auditCandidates(book, big, 16, context(standings, undefined, 10n), cheapestFirst)).toEqual([user(107)]);
  });

  it('walks at most AUDIT_WALK offers and names at most MAX_AUDIT_CANDIDATES', () => {
    const { book } = setup();
    const cheap = terms({ price: { unit: { per_1k_tokens: null }, amount: 1n } });
    // The cheapest AUDIT_WALK offers are all the runner's provider's; an eligible one lies beyond the walk.
    for (let i = 0; i < AUDIT_WALK; i++) ok(book.create(user(1), 0n, cheap));
    ok(book.create(user(2), 0n, terms({ nodes: [user(102)] })));
    expect(
      auditCandidates(
        book,
        jobOn([0n]),
        16,
        context([
          [1, GOOD],
          [2, GOOD],
        ]),
        cheapestFirst,
      ),
    ).toEqual([]);

    const wide = setup().book;
    for (let n = 1; n <= 30; n++) ok(wide.create(user(n), 0n, terms({ nodes: [user(100 + n)] })));
    const all = Array.from({ length: 30 }, (_, i) => [i + 1, GOOD] as [number, typeof GOOD]);
    expect(auditCandidates(wide, jobOn([0n]), 100, context(all), cheapestFirst)).toHaveLength(MAX_AUDIT_CANDIDATES);
  });

  it('starts at a random rung, so over many draws every eligible provider is named and the job’s own never are', () => {
    const { book } = setup();
    // Providers 1 to 40 each offer once, cheapest first by provider number; the job runs on providers 1 to 3.
    for (let n = 1; n <= 40; n++) {
      ok(book.create(user(n), 0n, terms({ nodes: [user(100 + n)], price: { unit: { per_1k_tokens: null }, amount: BigInt(n) } })));
    }
    const standings = Array.from({ length: 40 }, (_, i) => [i + 1, GOOD] as [number, typeof GOOD]);
    const drawn = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const rand = random(seed);
      const nodes = auditCandidates(book, jobOn([0n, 1n, 2n]), 2, context(standings), (bound) => Math.floor(rand() * bound));
      expect(nodes).toHaveLength(2);
      for (const node of nodes) drawn.add(node.toText());
    }
    const eligible = Array.from({ length: 37 }, (_, i) => user(104 + i).toText());
    expect([...drawn].sort()).toEqual(eligible.sort());
  });
});
