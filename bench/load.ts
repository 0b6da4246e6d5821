// Throughput under load (issue 15, item 3): CONSUMERS consumers submitting at once to WORKERS honest workers (each
// the real worker server on the tiny llama, its offer's capacity ample) until JOBS jobs settled, against one
// consumer submitting the same number one at a time on the same network first (the baseline). Prints jobs/s,
// p50/p99 latency from submit_job to settled (jobs not settled are counted and their reasons printed), and the canisters' messages and instructions per job, with ratios.
//   npm run bench:load [-- --consumers 20 --workers 5 --jobs 200 --tokens 32]
import type { Principal } from '@dfinity/principal';
import { parseArgs } from 'node:util';

import { NAMES, approve, jobRequest, mint, ok, onboardProvider, serveWorker, type CanisterName } from '../tests/integration/economy/deploy';
import { deployTrust } from '../tests/integration/trust/bridge_fixture';
import { randomUser } from '../tests/integration/localnet/probe';
import { JobRunner } from '../src/worker/server';
import { fmt, percentile, perJob } from './report';

const { values } = parseArgs({
  options: {
    consumers: { type: 'string', default: '20' },
    workers: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '200' },
    tokens: { type: 'string', default: '32' },
  },
});
const [CONSUMERS, WORKERS, JOBS, TOKENS] = [values.consumers, values.workers, values.jobs, values.tokens].map(Number);

const t = await deployTrust();
const { e, network } = t;
const names: CanisterName[] = [...NAMES, 'bridge', 'verification'];
for (let i = 0; i < WORKERS; i++) {
  const { node } = await onboardProvider(e, [t.model], { capacity: CONSUMERS * 2 });
  // Each worker its own runner and queue; the model in this process is shared.
  const runner = new JobRunner({ text: { sha256: t.sha.toString('hex'), generator: t.generator } });
  t.servers.push((await serveWorker(e, node, runner)).server);
}
const consumers = Array.from({ length: CONSUMERS }, () => randomUser());
for (const consumer of consumers) {
  await mint(e, consumer, 1_000_000_000_000n);
  await approve(e, consumer, e.ids.payment, 1_000_000_000_000n);
}
const request = jobRequest(t.model, { max_tokens: TOKENS });

/** How often a consumer reads its job: the canisters run in this process, so polling competes with the work. */
const POLL_MS = 50;

// One loop ticks the network for every consumer; each consumer polls its own job.
let ticking = true;
const ticker = (async () => {
  while (ticking) {
    await network.tick();
    // A breath between ticks, so the workers' servers and the model in this process get the event loop.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
})();

/** One job from submit_job until settled: its latency in ms, or why it was not settled. */
async function job(consumer: Principal): Promise<number | string> {
  const t0 = performance.now();
  e.marketplace.setPrincipal(consumer);
  const { id } = ok(await e.marketplace.submit_job(request));
  for (;;) {
    e.marketplace.setPrincipal(consumer);
    const { state, failure } = ok(await e.marketplace.get_job(id));
    if ('settled' in state) return performance.now() - t0;
    if ('refunded' in state || 'rejected' in state) return `job ${id}: ${Object.keys(state)[0]}: ${failure[0] ?? ''}`;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `JOBS` jobs shared among `who`, each consumer submitting its next when its last settled. */
async function phase(who: Principal[]) {
  const before = Object.fromEntries(names.map((name) => [name, network.getCounters(e.ids[name])]));
  const latencies: number[] = [];
  const failed: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    who.map(async (consumer) => {
      while (next < JOBS) {
        next++;
        const outcome = await job(consumer);
        if (typeof outcome === 'number') latencies.push(outcome);
        else failed.push(outcome);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = Object.fromEntries(names.map((name) => [name, network.getCounters(e.ids[name])]));
  const instructions = names.reduce((sum, name) => sum + after[name].instructions - before[name].instructions, 0n) / BigInt(JOBS);
  latencies.sort((a, b) => a - b);
  return { seconds, latencies, failed, instructions, rows: perJob(names, before, after, JOBS) };
}

await job(consumers[0]); // what the first job after the installs pays once is paid here
const baseline = await phase([consumers[0]]);
const load = await phase(consumers);
ticking = false;
await ticker;
await t.close();

const row = (path: string, p: Awaited<ReturnType<typeof phase>>) => ({
  path,
  'jobs/s': fmt(p.latencies.length / p.seconds, 2),
  'p50 ms': fmt(percentile(p.latencies, 50), 1),
  'p99 ms': fmt(percentile(p.latencies, 99), 1),
  'instructions/job': fmt(p.instructions),
  'not settled': p.failed.length,
});
console.log(`${JOBS} jobs of ${TOKENS} tokens on ${WORKERS} honest workers (${t.generator.runtime}):`);
console.table([row('1 consumer, one job at a time (baseline)', baseline), row(`${CONSUMERS} consumers at once`, load)]);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(
  `load / baseline: jobs/s ${ratio(load.latencies.length / load.seconds, baseline.latencies.length / baseline.seconds)}, p50 ${ratio(percentile(load.latencies, 50), percentile(baseline.latencies, 50))}, ` +
    `p99 ${ratio(percentile(load.latencies, 99), percentile(baseline.latencies, 99))}, instructions/job ${ratio(Number(load.instructions), Number(baseline.instructions))}`,
);
console.log('Per job under load, by canister (messages executed, instructions, cycles charged, outcalls):');
console.table(load.rows);
console.log('Per job, baseline:');
console.table(baseline.rows);
for (const why of [...baseline.failed, ...load.failed]) console.log(`not settled: ${why.slice(0, 300)}`);
