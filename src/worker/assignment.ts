// The worker runs only what the bridge gave this node. For every job request it asks the bridge, in a query signed
// by the node's key, for the sha256 of the exact body the bridge posts for that job to this node; a job the node
// does not hold, or a body that is not the bridge's (a squatter's input under a real job id), is refused.
import { createHash } from 'node:crypto';

import { JobError } from './job_error';

/** The sha256 of the body the bridge posts to this node for the job, or undefined when the node does not hold it. */
export type AssignmentLookup = (jobId: bigint) => Promise<Uint8Array | undefined>;

/** How long a worker that cannot reach the bridge asks the caller to wait. */
const UNREACHABLE_RETRY_S = 5;

/** How long an assignment the bridge named is trusted without asking again: about an outcall's timeout. */
export const ASSIGNMENT_KEPT_MS = 30_000;
/** Jobs whose assignments are kept at once; the oldest is forgotten first. */
const MAX_KEPT_ASSIGNMENTS = 1_000;

/**
 * The lookup through the bridge's `job_assignment` query, on an actor whose agent signs as the node. Every replica
 * of the subnet sends the job's request, so lookups of one job share one query while it runs, and a hash the bridge
 * named is kept for ASSIGNMENT_KEPT_MS: the bridge fixes a job's body when it assigns the job, so the answer cannot
 * change to another body. "Not assigned" and a failed query are not kept, since the next ask may see the job.
 */
export function bridgeAssignments(
  bridge: { job_assignment(jobId: bigint): Promise<[] | [Uint8Array | number[]]> },
  now: () => number = Date.now,
): AssignmentLookup {
  const kept = new Map<bigint, { hash: Promise<Uint8Array | undefined>; until: number }>();
  const forget = (jobId: bigint, hash: Promise<Uint8Array | undefined>) => {
    if (kept.get(jobId)?.hash === hash) kept.delete(jobId);
  };
  return (jobId) => {
    const entry = kept.get(jobId);
    if (entry !== undefined && entry.until > now()) return entry.hash;
    const hash = bridge.job_assignment(jobId).then(([named]) => (named === undefined ? undefined : Uint8Array.from(named)));
    kept.delete(jobId);
    kept.set(jobId, { hash, until: now() + ASSIGNMENT_KEPT_MS });
    if (kept.size > MAX_KEPT_ASSIGNMENTS) kept.delete(kept.keys().next().value!);
    hash.then(
      (named) => named === undefined && forget(jobId, hash),
      () => forget(jobId, hash),
    );
    return hash;
  };
}

/** Throws a JobError unless `raw` is the body the bridge gave this node for `jobId`. */
export async function checkAssigned(lookup: AssignmentLookup, jobId: string, raw: Uint8Array): Promise<void> {
  let assigned: Uint8Array | undefined;
  try {
    assigned = await lookup(BigInt(jobId));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new JobError(503, `cannot ask the bridge about job ${jobId} now (${reason})`, UNREACHABLE_RETRY_S);
  }
  if (assigned === undefined) throw new JobError(403, `job ${jobId} is not given to this node`);
  const hash = createHash('sha256').update(raw).digest();
  if (!hash.equals(assigned)) throw new JobError(403, `this is not the request the bridge made for job ${jobId}`);
}
