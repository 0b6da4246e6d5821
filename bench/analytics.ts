// The analytics canister's own cost on the local network: instructions per reported event (as the reporters send
// them, one per call) by kind, from getCounters deltas, and wall time per dashboard query (the local network counts
// the instructions of updates only). Jobs spread over 20 providers and
// 4 models across one hour of minute buckets, so the queries read a realistic number of buckets.
import { existsSync } from 'node:fs';

import type { Event } from '../canisters/analytics/events';
import { LocalNetwork } from '../src/localnet/index.js';
import { fmt } from './report';
import { ANALYTICS_WASM, setupAnalytics } from '../tests/integration/analytics/client';
import { randomUser } from '../tests/integration/localnet/probe';

const JOBS = Number(process.env.BENCH_JOBS ?? 200);
if (!existsSync(ANALYTICS_WASM)) {
  console.error(`${ANALYTICS_WASM} is missing: run npm run build first`);
  process.exit(1);
}

const network = await LocalNetwork.create();
const reporter = randomUser();
const { actor, canisterId } = await setupAnalytics(network, randomUser(), [reporter]);
actor.setPrincipal(reporter);
const providers = Array.from({ length: 20 }, randomUser);
const consumer = randomUser();

const spent = new Map<string, { calls: number; instructions: bigint }>();
async function measured(kind: string, call: () => Promise<unknown>): Promise<void> {
  const before = network.getCounters(canisterId).instructions;
  await call();
  const entry = spent.get(kind) ?? { calls: 0, instructions: 0n };
  entry.calls++;
  entry.instructions += network.getCounters(canisterId).instructions - before;
  spent.set(kind, entry);
}

// The cost of the call itself, with nothing to record: what each event costs on top of it is the analytics' own.
for (let i = 0; i < 20; i++) await measured('empty batch (the call alone)', () => actor.record([]));
const start = BigInt(await network.getTime()) * 1_000_000n;
for (let i = 0; i < JOBS; i++) {
  const at = start + BigInt(i) * 18_000_000_000n; // one job every 18 s: an hour of minutes for 200 jobs
  const provider = providers[i % providers.length];
  const job = (stage: string, latency?: bigint): Event => ({
    job: {
      job_id: BigInt(i),
      stage: { [stage]: null } as never,
      model: BigInt(i % 4),
      consumer,
      providers: stage === 'submitted' ? [] : [provider],
      region: stage === 'submitted' ? [] : [`region-${i % 3}`],
      price: 1_000_000n,
      latency_ms: latency === undefined ? [] : [latency],
      at,
    },
  });
  const credits = [
    { owner: provider, role: { provider: null }, amount: 792_000n },
    { owner: consumer, role: { treasury: null }, amount: 198_000n },
  ];
  await measured('job submitted', () => actor.record([job('submitted')]));
  await measured('job matched', () => actor.record([job('matched')]));
  await measured('job completed', () => actor.record([job('completed', BigInt(200 + (i % 50) * 40))]));
  await measured('worker run', () =>
    actor.record([{ run: { job_id: BigInt(i), node: provider, provider, tokens: 64n, run_ms: 150n, at } }]),
  );
  const payment: Event = { payment: { job_id: BigInt(i), consumer, escrow: 1_000_000n, refund: 0n, ledger_fees: 10_000n, credits, at } };
  await measured('escrow closed', () => actor.record([payment]));
  await measured('job settled', () => actor.record([job('settled')]));
}

const end = start + BigInt(JOBS) * 18_000_000_000n;
const day = { resolution: { hour: null } as never, from: end - 86_400_000_000_000n, to: end + 1n };
const hourOfMinutes = { resolution: { minute: null } as never, from: start, to: end + 1n };
const queries: [string, () => Promise<unknown>][] = [
  ['summary (all, 24 hours)', () => actor.summary({ all: null }, day)],
  ['series (all, 60 minutes)', () => actor.series({ all: null }, hourOfMinutes)],
  [
    'leaderboard (20 providers, 60 minutes)',
    () => actor.leaderboard({ kind: { provider: null }, metric: { provider_earnings: null }, range: hourOfMinutes, offset: 0, limit: 10 }),
  ],
  ['flows (24 hours)', () => actor.flows(day)],
];

console.log(`Analytics: ${JOBS} jobs, ${(await actor.status()).buckets} buckets. Instructions per event:`);
for (const [kind, { calls, instructions }] of spent) console.log(`  ${kind.padEnd(40)} ${fmt(instructions / BigInt(calls))}`);
console.log('Wall time per query, median of 20:');
for (const [name, run] of queries) {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  console.log(`  ${name.padEnd(40)} ${fmt(times.sort((a, b) => a - b)[10], 1)} ms`);
}
await network.stop();
