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

/** Runs an admitted request: `answer` makes (or recalls) the job's answer. */
export type Admit = (jobId: string, raw: Uint8Array, answer: () => Promise<Uint8Array>) => Promise<Uint8Array>;

/**
 * Admits a request when the bridge names its exact bytes for the job. The replicas of one outcall send the same
 * bytes within moments: while an admitted copy's answer is being made, a byte-identical copy joins it without asking
 * again (each ask is a query, and 13 of them, one after another, slow the generation they wait for). Once the answer
 * is made, a copy asks again, so a done job's bytes are refused as soon as the bridge no longer names them.
 */
export function admission(lookup: AssignmentLookup): Admit {
  const answering = new Map<string, Promise<Uint8Array>>();
  return async (jobId, raw, answer) => {
    const hash = createHash('sha256').update(raw).digest();
    const key = `${jobId} ${hash.toString('hex')}`;
    const joined = answering.get(key);
    if (joined !== undefined) return joined;
    await checkAssigned(lookup, jobId, hash);
    let admitted = answering.get(key);
    if (admitted === undefined) {
      admitted = answer();
      answering.set(key, admitted);
      const done = () => answering.delete(key);
      admitted.then(done, done);
    }
    return admitted;
  };
}

/** Throws a JobError unless `hash` is the sha256 of the body the bridge gave this node for `jobId`. */
async function checkAssigned(lookup: AssignmentLookup, jobId: string, hash: Buffer): Promise<void> {
  let assigned: Uint8Array | undefined;
  try {
    assigned = await lookup(BigInt(jobId));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new JobError(503, `cannot ask the bridge about job ${jobId} now (${reason})`, UNREACHABLE_RETRY_S);
  }
  if (assigned === undefined) throw new JobError(403, `job ${jobId} is not given to this node`);
  if (!hash.equals(assigned)) throw new JobError(403, `this is not the request the bridge made for job ${jobId}`);
}
