// The worker runs only what the bridge gave this node. For every job request it asks the bridge, in a query signed
// by the node's key, for the sha256 of the exact body the bridge posts for that job to this node; a job the node
// does not hold, or a body that is not the bridge's (a squatter's input under a real job id), is refused.
import { createHash } from 'node:crypto';

import { JobError } from './job_error';

/** The sha256 of the body the bridge posts to this node for the job, or undefined when the node does not hold it. */
export type AssignmentLookup = (jobId: bigint) => Promise<Uint8Array | undefined>;

/** How long a worker that cannot reach the bridge asks the caller to wait. */
const UNREACHABLE_RETRY_S = 5;

/**
 * The lookup through the bridge's `job_assignment` query, on an actor whose agent signs as the node. Every replica
 * of the subnet sends the job's request at about the same time, so lookups of a job while one is in flight share
 * its answer instead of each asking the bridge. Nothing is kept after it: once the job is done the bridge no longer
 * names it, and the same bytes must be refused.
 */
export function bridgeAssignments(bridge: { job_assignment(jobId: bigint): Promise<[] | [Uint8Array | number[]]> }): AssignmentLookup {
  const inFlight = new Map<bigint, Promise<Uint8Array | undefined>>();
  return (jobId) => {
    const asked = inFlight.get(jobId);
    if (asked !== undefined) return asked;
    const hash = bridge.job_assignment(jobId).then(([named]) => (named === undefined ? undefined : Uint8Array.from(named)));
    inFlight.set(jobId, hash);
    const done = () => inFlight.delete(jobId);
    hash.then(done, done);
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
