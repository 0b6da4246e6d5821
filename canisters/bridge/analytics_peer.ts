// What the bridge reports to analytics: each acceptable answer a worker gave, with its tokens and how long the
// outcall (or, for a long job, the wait for the posted result) took. Glue: imports azle.
import { time, type Principal } from 'azle';

import { analyticsReporter } from '../shared/analytics_reporter';
import { MEMORY } from './storage';

export const analytics = analyticsReporter(MEMORY.analytics);

const NS_PER_MS = 1_000_000n;

/** `node` of `provider` answered job `jobId` with `tokens` tokens; it was asked at `askedAt`. */
export function reportRun(jobId: bigint, node: Principal, provider: Principal, tokens: number, askedAt: bigint): void {
  const at = time();
  analytics.report([{ run: { job_id: jobId, node, provider, tokens: BigInt(tokens), run_ms: (at - askedAt) / NS_PER_MS, at } }]);
}
