// Junk versus the honest path (issue 13, "Measured"): BENCH_JUNK junk providers (default 10,000), each with a
// standing, a dead node with an endpoint, an uncertified and unstaked offer and a rejected job, then the
// instructions of quote, submit_job, create_offer, a probe round and the upgrades against the clean baseline of the
// same run (bench/junk_fixture.ts). Budget: each within 2x of the baseline; exits 1 when a row is over, so CI can
// run it at a small size.
//   BENCH_JUNK=200 npm run bench:junk
import { BUDGET_RATIO, runJunkBench } from './junk_fixture';
import { fmt } from './report';

const SIZE = Number(process.env.BENCH_JUNK ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 50);

const t0 = performance.now();
const report = await runJunkBench(SIZE, { batch: BATCH, log: (line) => console.log(line) });
const seconds = (performance.now() - t0) / 1000;

console.log(
  `Junk: ${fmt(SIZE)} each of standings, nodes with endpoints, offers and rejected jobs (${fmt(SIZE)} principals), ` +
    `grown in ${report.loadSeconds.toFixed(0)} s; run ${seconds.toFixed(0)} s. Instructions (getCounters deltas), budget ${BUDGET_RATIO}x:`,
);
console.table(
  report.rows.map((r) => ({
    measure: r.measure,
    'clean baseline': fmt(r.baseline),
    [`with ${fmt(SIZE)} junk`]: fmt(r.junk),
    ratio: `${r.ratio.toFixed(2)}x`,
    budget: r.within ? 'PASS' : 'OVER',
  })),
);
const [before, after] = report.settled;
console.log(`honest job settled: baseline ${before}, with junk ${after}`);
if (!before || !after || report.rows.some((r) => !r.within)) process.exit(1);
