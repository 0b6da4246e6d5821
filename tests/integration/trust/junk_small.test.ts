// Issue 13, "Measured", at a small size: bench/junk.ts's run with JUNK_SMALL junk providers (50 by default, a few
// minutes of CI; the README gives the figures of larger runs), each with a standing, a dead node with an endpoint,
// an uncertified and unstaked offer and a rejected job. Every measure (quote, submit_job, create_offer, a probe
// round, the marketplace's upgrade, which reads none of the junk, and the bridge's) stays within 2x of the clean
// baseline of the same run, and the honest job still matches and settles. No timings are checked.
import { describe, expect, it } from 'vitest';

import { BUDGET_RATIO, runJunkBench } from '../../../bench/junk_fixture';

const SIZE = Number(process.env.JUNK_SMALL ?? 50);

describe(`${SIZE} junk providers`, () => {
  it(
    `cost the honest path at most ${BUDGET_RATIO}x the clean baseline, and the honest job still settles`,
    { timeout: 1_800_000 },
    async () => {
      const report = await runJunkBench(SIZE);
      expect(report.settled).toEqual([true, true]);
      const over = report.rows.filter((r) => !r.within).map((r) => `${r.measure}: ${r.ratio.toFixed(2)}x (${r.baseline} → ${r.junk})`);
      expect(over).toEqual([]);
    },
  );
});
