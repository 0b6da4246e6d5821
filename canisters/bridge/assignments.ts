// Which node holds which job right now, for the worker's check that a POST /jobs really comes from the bridge: the
// worker asks `job_assignment` and runs only a body whose sha256 the bridge names for it. Pure: no 'azle' import.
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';

import { jobBody } from './answers';
import type { Awaiting } from './types';

/** sha256 of the exact bytes the bridge POSTs to a worker. */
export const bodySha256 = (body: string): Uint8Array => sha256(new TextEncoder().encode(body));

const keyOf = (jobId: bigint, node: Principal): string => `${jobId}:${node.toText()}`;

/**
 * The outcalls in flight, by job and node: a dispatch, an audit's or a dispute's re-run. Heap only: the bridge
 * awaits each outcall, and an upgrade waits for calls in flight, so nothing here outlives its outcall. The bodies
 * are kept, not their hashes: the job_assignment query hashes the one asked for, which costs the job nothing.
 */
export class Assignments {
  private readonly asked = new Map<string, string>();

  /** Runs `post` (the outcall of `body` for job `jobId` to `node`), naming the job `node`'s while it is in flight. */
  async asking<T>(jobId: bigint, node: Principal, body: string, post: () => Promise<T>): Promise<T> {
    const key = keyOf(jobId, node);
    this.asked.set(key, body);
    try {
      return await post();
    } finally {
      this.asked.delete(key);
    }
  }

  /** The body hash of job `jobId` when `caller` is being asked to run it now, or awaited for its long result. */
  assignment(jobId: bigint, caller: Principal, awaiting: Awaiting | undefined): Uint8Array | undefined {
    const asked = this.asked.get(keyOf(jobId, caller));
    if (asked !== undefined) return bodySha256(asked);
    if (awaiting !== undefined && awaiting.node.compareTo(caller) === 'eq') return bodySha256(jobBody(awaiting.request));
  }
}
