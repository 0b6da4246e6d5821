// Matching inside the marketplace canister on the local network: 1,000 and 10,000 offers created by plain
// create_offer calls (one per offer, from 1 provider per 10 offers, standings set by the admin), then the
// instructions of one explain_match (a query: the IC does not charge queries), the instructions and cycles of the
// same match run as an update (explain_match_update), the no-match explanation, and the upgrade that rebuilds the
// index. Figures are network.getCounters deltas. Budget (DESIGN.md): far below 5 B instructions per query and
// 40 B per update; cost sublinear in the number of offers.
import { existsSync } from 'node:fs';

import type { JobRequest } from '../canisters/marketplace/job_types';
import { IDL } from '@dfinity/candid';

import { JobRequest as JobRequestIdl } from '../canisters/marketplace/job_types';
import { LocalNetwork } from '../src/localnet/index.js';
import { MARKETPLACE_WASM, setupMarketplace } from '../tests/integration/marketplace/client';
import { offerTerms, principal, random } from './market_fixture';
import { queryInstructions as countQuery } from './report';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

if (!existsSync(MARKETPLACE_WASM)) {
  console.error(`${MARKETPLACE_WASM} is missing: run npm run build -- marketplace first`);
  process.exit(1);
}

const request = (maxPrice: bigint, redundancy = 2): JobRequest => ({
  model: 7n,
  input_hash: new Uint8Array(32),
  input_bytes: 1_000n,
  max_tokens: 2_000,
  max_price: maxPrice,
  redundancy,
  lane: { standard: null },
  region: ['eu-west'],
  hardware: { min_vram_gib: 20, min_compute_capability_x10: 80, min_cpu_cores: 8, min_ram_gib: 32 },
  reservation: [],
  input: [],
  generation: [],
});

const fmt = (n: bigint | number) => Number(n).toLocaleString('en-US');

const network = await LocalNetwork.create();
const deployer = principal(9_999_999);
type Row = Record<string, string>;
const rows: Row[] = [];

for (const size of SIZES) {
  const rand = random(size);
  const { actor, canisterId } = await setupMarketplace(network, deployer);
  const providerCount = Math.max(10, size / 10);

  const loadStart = performance.now();
  actor.setPrincipal(deployer);
  for (let p = 0; p < providerCount; p += BATCH) {
    const batch = [];
    for (let q = p; q < Math.min(providerCount, p + BATCH); q++) {
      batch.push(
        actor.set_provider_standing(principal(q), {
          certified: rand() < 0.9,
          stake: BigInt(Math.floor(rand() * 2_000)),
          reputation_bps: Math.floor(rand() * 10_001),
        }),
      );
    }
    await Promise.all(batch);
  }
  const before = network.getCounters(canisterId);
  for (let i = 0; i < size; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(size, i + BATCH); j++) {
      const owner = principal(Math.floor(rand() * providerCount));
      const terms = offerTerms(rand, j);
      batch.push({ owner, terms });
    }
    // Calls from different owners: set the principal, then send; the actor records the sender at call time.
    const sent = batch.map(({ owner, terms }) => {
      actor.setPrincipal(owner);
      return actor.create_offer(terms);
    });
    for (const r of await Promise.all(sent)) if (!('Ok' in r)) throw new Error(JSON.stringify(r.Err));
  }
  const created = network.getCounters(canisterId);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const createInstructions = (created.instructions - before.instructions) / BigInt(size);
  const createCycles = (created.cyclesSpent - before.cyclesSpent) / BigInt(size);

  actor.setPrincipal(deployer);
  const measure = async (call: () => Promise<unknown>) => {
    const instructions: bigint[] = [];
    let cycles = 0n;
    let ms = 0;
    for (let r = 0; r < REPEATS; r++) {
      const c0 = network.getCounters(canisterId);
      const t0 = performance.now();
      await call();
      ms = performance.now() - t0;
      const c1 = network.getCounters(canisterId);
      instructions.push(c1.instructions - c0.instructions);
      cycles = c1.cyclesSpent - c0.cyclesSpent;
    }
    instructions.sort((a, b) => (a < b ? -1 : 1));
    return { instructions: instructions[Math.floor(instructions.length / 2)], cycles, ms };
  };
  const matchOutcome = await actor.explain_match(request(10_000n));
  const matched = 'Matched' in matchOutcome;
  // Queries leave no counters (nothing is charged), so the query runs on the canister directly to count.
  const queryInstructions = (job: JobRequest): bigint =>
    countQuery(network, canisterId, 'explain_match', new Uint8Array(IDL.encode([JobRequestIdl], [job])), deployer);
  const t1 = performance.now();
  await actor.explain_match(request(10_000n));
  const queryMs = performance.now() - t1;
  const query = { instructions: queryInstructions(request(10_000n)), ms: queryMs };
  const upd = await measure(() => actor.explain_match_update(request(10_000n)));
  // No match: 60 replicas cannot be found, so every live offer of the model is explained.
  const noMatch = { instructions: queryInstructions(request(10_000n, 60)) };
  const u0 = network.getCounters(canisterId);
  const t0 = performance.now();
  await network.upgradeCanister({ canisterId, wasm: MARKETPLACE_WASM, sender: deployer });
  const upgradeMs = performance.now() - t0;
  const u1 = network.getCounters(canisterId);
  const after = await actor.explain_match(request(10_000n));
  if (
    JSON.stringify(after, (_, v) => (typeof v === 'bigint' ? `${v}` : v)) !==
    JSON.stringify(matchOutcome, (_, v) => (typeof v === 'bigint' ? `${v}` : v))
  ) {
    throw new Error('the match changed across the upgrade');
  }
  rows.push({
    offers: fmt(size),
    'load s': loadSeconds.toFixed(1),
    'create_offer instr': fmt(createInstructions),
    'create_offer cycles': fmt(createCycles),
    matched: String(matched),
    'explain_match (query) instr': fmt(query.instructions),
    'query ms': query.ms.toFixed(1),
    'as update instr': fmt(upd.instructions),
    'as update cycles': fmt(upd.cycles),
    'no-match explain instr': fmt(noMatch.instructions),
    'upgrade instr': fmt(u1.instructions - u0.instructions),
    'upgrade ms': upgradeMs.toFixed(0),
  });
}
network.stop();

console.log('Matching inside the marketplace canister (local network; instructions and cycles are getCounters deltas)');
console.table(rows);
