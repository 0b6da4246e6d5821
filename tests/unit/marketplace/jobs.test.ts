import { describe, expect, it } from 'vitest';

import type { Job, JobId } from '../../../canisters/marketplace/job_types';
import { JobBook, type JobStore } from '../../../canisters/marketplace/jobs';
import { job as request, ok, user } from './fixtures';

const MODEL = { creator: user(9), royalty_bps: 500 };
const MATCHED = { Matched: { offers: [1n], quotes: [100n] } };
const T = 1_000n;

function memoryJobs(): JobStore & { map: Map<JobId, Job> } {
  const map = new Map<JobId, Job>();
  const consumers = new Map<string, JobId[]>();
  const unfinished = new Set<JobId>();
  return {
    map,
    get: (id) => map.get(id),
    put: (job) => void map.set(job.id, job),
    consumers: {
      count: (key) => consumers.get(key)?.length ?? 0,
      at: (key, position) => consumers.get(key)![position],
      add: (key, id) => void consumers.set(key, [...(consumers.get(key) ?? []), id]),
    },
    unfinished: { ids: () => unfinished.values(), add: (id) => void unfinished.add(id), delete: (id) => void unfinished.delete(id) },
  };
}

describe('the job book', () => {
  it('lists each consumer’s jobs newest first, with paging and a total', () => {
    const book = new JobBook(memoryJobs());
    for (const id of [0n, 1n, 2n, 3n]) ok(book.create(id, user(id === 2n ? 2 : 1), request(), MODEL, id));
    const page = book.page(user(1), 0, 2);
    expect(page.total).toBe(3n);
    expect(page.jobs.map((j) => j.id)).toEqual([3n, 1n]);
    expect(book.page(user(1), 2, 2).jobs.map((j) => j.id)).toEqual([0n]);
    expect(book.page(user(1), 5, 2).jobs).toEqual([]);
    expect(book.page(user(3), 0, 10)).toEqual({ jobs: [], total: 0n });
  });

  it('applies several events as one step, storing nothing when any is refused', () => {
    const store = memoryJobs();
    const book = new JobBook(store);
    ok(book.create(0n, user(1), request(), MODEL, 0n));
    expect(
      book.apply(0n, [MATCHED, { Completed: { result_hash: new Uint8Array(32), paid_nodes: [], late_refund_bps: 0 } }], 1n),
    ).toHaveProperty('Err.InvalidTransition');
    expect(store.map.get(0n)?.state).toEqual({ submitted: null });
    expect(ok(book.apply(0n, [MATCHED, { Dispatched: null }], 1n)).state).toEqual({ dispatched: null });
    expect(book.apply(9n, [MATCHED], 1n)).toEqual({ Err: { NotFound: null } });
  });

  it('finds the jobs the sweep must move: overdue running ones and unpaid outcomes, never finished ones', () => {
    const store = memoryJobs();
    const book = new JobBook(store);
    for (const id of [0n, 1n, 2n, 3n, 4n, 5n]) ok(book.create(id, user(1), request(), MODEL, 0n));
    ok(book.apply(1n, [MATCHED], 0n));
    ok(
      book.apply(
        2n,
        [MATCHED, { Dispatched: null }, { Completed: { result_hash: new Uint8Array(32), paid_nodes: [], late_refund_bps: 0 } }],
        0n,
      ),
    );
    ok(book.apply(3n, [MATCHED, { Failed: 'crashed' }], 0n));
    ok(book.apply(4n, [MATCHED, { Failed: 'crashed' }, { Refunded: null }], 0n));
    ok(book.apply(5n, [{ Rejected: 'no allowance' }], 0n));
    // Before the timeout only the completed and failed jobs wait; a submitted job is mid-escrow, not stuck.
    expect(book.stuck(T - 1n, T).map((j) => j.id)).toEqual([2n, 3n]);
    expect(book.stuck(T, T).map((j) => j.id)).toEqual([1n, 2n, 3n]);
    expect(book.occupying().map((j) => j.id)).toEqual([1n]);
    // A rebuilt book (after an upgrade) finds the same, reading none of the finished jobs to do so.
    const read = new Set<JobId>();
    const get = store.get;
    const rebuilt = new JobBook({ ...store, get: (id) => (read.add(id), get(id)) });
    expect(rebuilt.stuck(T, T).map((j) => j.id)).toEqual([1n, 2n, 3n]);
    expect(rebuilt.occupying().map((j) => j.id)).toEqual([1n]);
    expect([...read].sort()).toEqual([0n, 1n, 2n, 3n]);
    expect(rebuilt.page(user(1), 0, 10).total).toBe(6n);
    expect(rebuilt.page(user(1), 1, 2).jobs.map((j) => j.id)).toEqual([4n, 3n]);
  });
});
