// The chaos run (issue 15, item 4; bench/chaos_run.ts): jobs over workers of which a fifth misbehave, with the
// marketplace, payment and the bridge upgraded mid-run, then every job's state and every token accounted for.
// Exits 1 when a check fails; the seed replays the run.
//   npm run bench:chaos [-- --jobs 1000 --seed 1 --workers 10 --wave 4]
import { parseArgs } from 'node:util';

import { runChaos } from './chaos_run';
import { fmt } from './report';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '10' },
    wave: { type: 'string', default: '4' },
  },
});

const report = await runChaos({
  jobs: Number(values.jobs),
  seed: Number(values.seed),
  workers: Number(values.workers),
  wave: Number(values.wave),
  log: (line) => console.log(line),
});

console.log(`Chaos: ${report.jobs} jobs, seed ${report.seed}, ${report.seconds.toFixed(0)} s`);
console.log('jobs by state:', report.states);
console.log('disputes by ruling:', report.disputes);
console.log('faults injected (per job and worker):', report.faults);
console.log('upgrades:', report.upgrades.join('; '));
console.table(report.tokens.map(({ holder, amount }) => ({ holder, tokens: fmt(amount) })));
console.table(report.checks.map(({ name, ok, detail }) => ({ check: name, result: ok ? 'PASS' : 'FAIL', detail })));
if (report.checks.some((c) => !c.ok)) {
  console.log(`FAILED (replay with --seed ${report.seed} --jobs ${report.jobs})`);
  process.exit(1);
}
