// What verification reports to analytics: each slash it had identity carry out. Glue: imports azle.
import { time, type Principal } from 'azle';

import { analyticsReporter } from '../shared/analytics_reporter';

// Verification's memory ids are 0 (settings), 1 (verdicts) and 2 (jobs judged again), in index.ts; this one is kept
// clear of them.
export const analytics = analyticsReporter(20);

export function reportSlash(jobId: bigint, provider: Principal, node: Principal, amount: bigint): void {
  analytics.report([{ slash: { job_id: jobId, provider, node, amount, at: time() } }]);
}
