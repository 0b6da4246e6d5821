// Matching benchmark in pure TypeScript: time one match against 1,000 / 10,000 / 100,000 offers spread over 50
// models, with the ratio to the 1,000-offer figure, beside a naive full scan of every offer measured in the same
// run and the no-match explanation (which reads every live offer of the model by design). Budget (DESIGN.md):
// cost grows sublinearly with the number of offers. bench/matching_canister.ts measures the same market inside the canister.
import { DEFAULT_CONFIG } from '../canisters/marketplace/config';
import { exclusionsOf, providerKey, type MatchContext } from '../canisters/marketplace/eligibility';
import type { JobRequest } from '../canisters/marketplace/job_types';
import type { Candidate, ProviderStanding } from '../canisters/marketplace/match_types';
import { match, modelMultiplier, rank } from '../canisters/marketplace/matching';
import type { Offer, OfferId } from '../canisters/marketplace/offer_types';
import { OfferBook } from '../canisters/marketplace/offers';
import { laneBps, quote } from '../canisters/marketplace/pricing';
import { score } from '../canisters/marketplace/scoring';
import { memoryOffers } from '../tests/unit/marketplace/fixtures';
import { MODELS, offerTerms, principal, random } from './market_fixture';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 101);

function market(size: number) {
  const rand = random(size);
  const offers = memoryOffers();
  const store = offers.map;
  const book = new OfferBook(offers);
  const providers = new Map<string, ProviderStanding>();
  const providerCount = Math.max(10, size / 10);
  for (let p = 0; p < providerCount; p++) {
    providers.set(providerKey(principal(p)), {
      certified: rand() < 0.9,
      stake: BigInt(Math.floor(rand() * 2_000)),
      reputation_bps: Math.floor(rand() * 10_001),
    });
  }
  for (let i = 0; i < size; i++) {
    const offer = book.create(principal(Math.floor(rand() * providerCount)), 0n, offerTerms(rand, i));
    if (!('Ok' in offer)) throw new Error(JSON.stringify(offer.Err));
    if (rand() < 0.1) book.pause(offer.Ok.provider, 0n, offer.Ok.id);
    else if (rand() < 0.3) book.acquire(offer.Ok.id);
  }
  const context: MatchContext = { config: DEFAULT_CONFIG, minStake: 300n, providers };
  return { book, store, context };
}

const request = (model: number, maxPrice: bigint): JobRequest => ({
  model: BigInt(model),
  input_hash: new Uint8Array(32),
  input_bytes: 1_000n,
  max_tokens: 2_000,
  max_price: maxPrice,
  redundancy: 2,
  lane: { standard: null },
  region: ['eu-west'],
  hardware: { min_vram_gib: 20, min_compute_capability_x10: 80, min_cpu_cores: 8, min_ram_gib: 32 },
  reservation: [],
  input: [],
  generation: [],
});

/** The baseline: every offer read, checked and scored, then the same ranking and distinct providers. */
function fullScan(store: Map<OfferId, Offer>, book: OfferBook, job: JobRequest, context: MatchContext): Candidate[] {
  const multiplier = modelMultiplier(book.index.model(job.model), context.config);
  const lane = laneBps(job.lane, context.config.priority_surcharge_bps);
  const eligible: Candidate[] = [];
  for (const offer of store.values()) {
    if (exclusionsOf(offer, job, multiplier, context).length > 0) continue;
    const price = quote(offer.terms.price, job.max_tokens, multiplier, lane);
    const reputation = context.providers.get(providerKey(offer.provider))!.reputation_bps;
    eligible.push({
      offer: offer.id,
      provider: offer.provider,
      quote: price,
      score: score(offer, job, price, reputation, offer.load, context.config),
    });
  }
  eligible.sort(rank);
  const seen = new Set<string>();
  return eligible
    .filter((c) => !seen.has(providerKey(c.provider)) && seen.add(providerKey(c.provider)))
    .slice(0, job.redundancy + context.config.spares);
}

function median(run: (i: number) => unknown, repeats: number): number {
  for (let i = 0; i < Math.min(20, repeats); i++) run(i); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run(i);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const rows: { size: number; indexed: number; naive: number; explain: number }[] = [];
for (const size of SIZES) {
  const { book, store, context } = market(size);
  // A maximum price most offers meet, so the pool fills and the early stop on price does not flatter the index.
  const jobs = Array.from({ length: MODELS }, (_, m) => request(m, 100_000n));
  // No offer is this cheap: the explanation path reads every live offer of the model.
  const hopeless = Array.from({ length: MODELS }, (_, m) => request(m, 1n));
  for (const job of jobs.slice(0, 5)) {
    const indexed = match(book, job, context);
    const naive = fullScan(store, book, job, context);
    const picked = 'Matched' in indexed ? [...indexed.Matched.chosen, ...indexed.Matched.spares].length : 0;
    if (picked === 0 || naive.length === 0) throw new Error(`no match at ${size} offers: the market is built wrong`);
  }
  rows.push({
    size,
    indexed: median((i) => match(book, jobs[i % MODELS], context), REPEATS),
    naive: median((i) => fullScan(store, book, jobs[i % MODELS], context), Math.max(11, Math.floor(REPEATS / 5))),
    explain: median((i) => match(book, hopeless[i % MODELS], context), Math.max(11, Math.floor(REPEATS / 5))),
  });
}

const base = rows[0];
const ms = (value: number) => value.toFixed(3).padStart(9);
const ratio = (value: number, of: number) => `${(value / of).toFixed(1)}×`.padStart(8);
console.log(
  `matching, pure TypeScript in Node ${process.version}: median of ${REPEATS} matches (the baselines of fewer), ${MODELS} models, redundancy 2 + ${DEFAULT_CONFIG.spares} spares, candidate_pool ${DEFAULT_CONFIG.candidate_pool}`,
);
console.log('   offers | indexed ms |  ratio | full scan ms |  ratio | no-match explanation ms |  ratio');
for (const row of rows) {
  console.log(
    `${String(row.size).padStart(9)} | ${ms(row.indexed)}  | ${ratio(row.indexed, base.indexed)} | ${ms(row.naive)}    | ${ratio(row.naive, base.naive)} | ${ms(row.explain)}               | ${ratio(row.explain, base.explain)}`,
  );
}
console.log("Indexed: the model's price ladders, cheapest first, stopping after candidate_pool eligible offers or at the maximum price.");
console.log('Full scan: every offer checked and scored. No-match explanation: every live offer of the model (offers / models).');
console.log('Inside the marketplace canister on src/localnet (instructions and cycles per match): npm run bench:matching-canister.');
