// How the worker asks the bridge whether it holds a job: a subnet's replicas send the same request at once, so their
// lookups share the query in flight; an answer is never kept past it, so a finished job is refused at the next ask.
import { describe, expect, it } from 'vitest';

import { bridgeAssignments } from '../../../src/worker/assignment';

/** A bridge whose `job_assignment` answers from `hashes` once released, counting the queries it gets. */
function fakeBridge(hashes: Map<bigint, Uint8Array>) {
  let release = () => {};
  let gate = Promise.resolve();
  const bridge = {
    queries: 0,
    failing: false,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    async job_assignment(jobId: bigint): Promise<[] | [Uint8Array]> {
      bridge.queries++;
      await gate;
      if (bridge.failing) throw new Error('the bridge is unreachable');
      const hash = hashes.get(jobId);
      return hash === undefined ? [] : [hash];
    },
  };
  return bridge;
}

describe('the bridge assignment lookup', () => {
  const hash = Uint8Array.from({ length: 32 }, (_, i) => i);

  it('asks the bridge once for the thirteen replicas of one job, and answers each of them', async () => {
    const bridge = fakeBridge(new Map([[7n, hash]]));
    const lookup = bridgeAssignments(bridge);
    bridge.hold();
    const answers = Array.from({ length: 13 }, () => lookup(7n));
    const other = lookup(8n);
    bridge.release();
    for (const answer of await Promise.all(answers)) expect(answer).toEqual(hash);
    expect(await other).toBeUndefined();
    expect(bridge.queries).toBe(2);
  });

  it('asks again once the answer is in, so a job the bridge stopped naming is refused', async () => {
    const hashes = new Map([[7n, hash]]);
    const bridge = fakeBridge(hashes);
    const lookup = bridgeAssignments(bridge);
    expect(await lookup(7n)).toEqual(hash);
    hashes.delete(7n);
    expect(await lookup(7n)).toBeUndefined();
    expect(bridge.queries).toBe(2);
  });

  it('asks again after a failed query instead of keeping the failure', async () => {
    const bridge = fakeBridge(new Map([[7n, hash]]));
    const lookup = bridgeAssignments(bridge);
    bridge.failing = true;
    await expect(lookup(7n)).rejects.toThrow('unreachable');
    bridge.failing = false;
    expect(await lookup(7n)).toEqual(hash);
    expect(bridge.queries).toBe(2);
  });
});
