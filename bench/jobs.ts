// The job flow across the five economy canisters on the local network, wired as `npm start` wires them: wall time
// of submit_job (registry check, match, escrow) and complete_job (settlement) one job at a time, p50 and p99, and
// the messages, instructions and cycles each canister spends per job (getCounters deltas). The baseline, measured
// in the same run on the same ledger, is one plain ICRC-1 transfer: the cheapest update that moves money.
// No model runs here; this is the marketplace's own overhead that the design budgets (p50 <= 50 ms, p99 <= 100 ms).
import { existsSync } from 'node:fs';

import { LocalNetwork } from '../src/localnet/index.js';
import { fmt, percentile, perJob } from './report';
import {
  NAMES,
  WASM,
  account,
  approve,
  deployEconomy,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
} from '../tests/integration/economy/deploy';
import { transferArgs } from '../tests/integration/ledger/client';
import { randomUser } from '../tests/integration/localnet/probe';

const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const RESULT = new Uint8Array(32).fill(7);

for (const wasm of Object.values(WASM)) {
  if (!existsSync(wasm)) {
    console.error(`${wasm} is missing: run npm run build first`);
    process.exit(1);
  }
}

const network = await LocalNetwork.create();
const deployer = randomUser();
const e = await deployEconomy(network, deployer);
const model = (await publishModel(e, randomUser(), 'bench-llama', 500)).id;
for (let i = 0; i < 3; i++) await onboardProvider(e, [model], { capacity: 1_000 });
const consumer = randomUser();
await mint(e, consumer, 1_000_000_000_000n);
// One allowance for every job: approve is the consumer's step, not the marketplace's.
await approve(e, consumer, e.ids.payment, 1_000_000_000_000n);

async function timed(call: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await call();
  return performance.now() - t0;
}

// Baseline: plain transfers from the consumer, one at a time.
const baseline: number[] = [];
const payee = randomUser();
const ledgerBefore = network.getCounters(e.ids.ledger);
e.ledger.setPrincipal(consumer);
for (let i = 0; i < JOBS; i++) baseline.push(await timed(async () => ok(await e.ledger.icrc1_transfer(transferArgs(account(payee), 1n)))));
const ledgerAfter = network.getCounters(e.ids.ledger);
const transferInstructions = (ledgerAfter.instructions - ledgerBefore.instructions) / BigInt(JOBS);

const before = Object.fromEntries(NAMES.map((name) => [name, network.getCounters(e.ids[name])]));
const [submits, completes, totals]: number[][] = [[], [], []];
for (let i = 0; i < JOBS; i++) {
  e.marketplace.setPrincipal(consumer);
  let id = 0n;
  const submit = await timed(async () => (id = ok(await e.marketplace.submit_job(jobRequest(model))).id));
  e.marketplace.setPrincipal(deployer);
  const complete = await timed(async () => ok(await e.marketplace.complete_job(id, RESULT, [])));
  submits.push(submit);
  completes.push(complete);
  totals.push(submit + complete);
}
const after = Object.fromEntries(NAMES.map((name) => [name, network.getCounters(e.ids[name])]));
network.stop();

for (const list of [baseline, submits, completes, totals]) list.sort((a, b) => a - b);
const p50Base = percentile(baseline, 50);
console.log(`Job flow on the local network: ${JOBS} jobs one at a time, 3 offers, redundancy 1 (no model runs)`);
console.table(
  (
    [
      ['ICRC-1 transfer (baseline)', baseline],
      ['submit_job', submits],
      ['complete_job', completes],
      ['submit + complete', totals],
    ] as const
  ).map(([step, list]) => ({
    step,
    'p50 ms': fmt(percentile(list, 50), 1),
    'p99 ms': fmt(percentile(list, 99), 1),
    'p50 / baseline': fmt(percentile(list, 50) / p50Base, 1),
  })),
);
console.log('Per job, by canister (messages executed, instructions, cycles charged, outcalls):');
console.table(perJob(NAMES, before, after, JOBS));
const total = NAMES.reduce((sum, name) => sum + (after[name].instructions - before[name].instructions), 0n) / BigInt(JOBS);
console.log(
  `All canisters: ${fmt(total)} instructions per job, ${fmt(Number(total) / Number(transferInstructions), 1)}x one transfer (${fmt(transferInstructions)}).`,
);
