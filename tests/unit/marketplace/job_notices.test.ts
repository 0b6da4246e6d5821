import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { JobNotices, MAX_NOTICE_METHOD, notifyingJobs, type Notice, type NoticeStore } from '../../../canisters/marketplace/job_notices';
import type { Job, JobId } from '../../../canisters/marketplace/job_types';
import { JobBook, type JobStore } from '../../../canisters/marketplace/jobs';
import { job as request, ok } from './fixtures';

const CONSUMER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const OTHER_CANISTER = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const USER = Principal.selfAuthenticating(new Uint8Array(32).fill(7));
const MODEL = { creator: USER, royalty_bps: 0 };
const MATCHED = { Matched: { offers: [1n], quotes: [100n] } };
const COMPLETED = { Completed: { result_hash: new Uint8Array(32), paid_nodes: [], late_refund_bps: 0 } };

function memoryNotices(): NoticeStore & { map: Map<JobId, string> } {
  const map = new Map<JobId, string>();
  return { map, get: (id) => map.get(id), put: (id, method) => void map.set(id, method), remove: (id) => void map.delete(id) };
}

function memoryJobs(): JobStore {
  const map = new Map<JobId, Job>();
  const unfinished = new Set<JobId>();
  return {
    get: (id) => map.get(id),
    put: (job) => void map.set(job.id, job),
    consumers: { count: () => 0, at: () => 0n, add: () => undefined },
    unfinished: { ids: () => unfinished.values(), add: (id) => void unfinished.add(id), delete: (id) => void unfinished.delete(id) },
  };
}

/** A job book whose final writes send notices into `sent`, and jobs 0 (the canister's) and 1 (the user's). */
function setup() {
  const store = memoryNotices();
  const notices = new JobNotices(store);
  const sent: Notice[] = [];
  const book = new JobBook(notifyingJobs(memoryJobs(), notices, (notice) => sent.push(notice)));
  ok(book.create(0n, CONSUMER, request(), MODEL, 0n));
  ok(book.create(1n, USER, request(), MODEL, 0n));
  return { store, notices, sent, book };
}

describe('end notices for canister consumers', () => {
  it('are asked for by the job’s consumer only, and only when it is a canister', () => {
    const { notices, book, store } = setup();
    expect(notices.ask(OTHER_CANISTER, book.get(0n), 'on_job_end')).toHaveProperty('Err.Unauthorized');
    expect(notices.ask(USER, book.get(0n), 'on_job_end')).toHaveProperty('Err.Unauthorized');
    // A user consumer of its own job is refused too: it has no method to call.
    expect(notices.ask(USER, book.get(1n), 'on_job_end')).toHaveProperty('Err.Unauthorized');
    expect(notices.ask(CONSUMER, book.get(9n), 'on_job_end')).toEqual({ Err: { NotFound: null } });
    expect(store.map.size).toBe(0);
    expect(notices.ask(CONSUMER, book.get(0n), 'on_job_end')).toEqual({ Ok: null });
    expect(store.map.get(0n)).toBe('on_job_end');
  });

  it('name one method, an ASCII identifier of bounded length, and only for a job that has not ended', () => {
    const { notices, book, store } = setup();
    for (const bad of ['', '1st', 'on job end', 'on_jöb_end', 'a'.repeat(MAX_NOTICE_METHOD + 1)])
      expect(notices.ask(CONSUMER, book.get(0n), bad)).toHaveProperty('Err.InvalidInput');
    ok(notices.ask(CONSUMER, book.get(0n), 'a'.repeat(MAX_NOTICE_METHOD)));
    // A second ask replaces the first: one notice per job.
    ok(notices.ask(CONSUMER, book.get(0n), 'on_job_end'));
    expect([...store.map]).toEqual([[0n, 'on_job_end']]);
    ok(book.apply(0n, [MATCHED, { Failed: 'crashed' }, { Refunded: null }], 1n));
    expect(notices.ask(CONSUMER, book.get(0n), 'on_job_end')).toEqual({ Err: { InvalidInput: 'the job has already ended' } });
  });

  it('are sent once when the job settles, after it is stored, and then forgotten', () => {
    const { notices, book, sent, store } = setup();
    ok(notices.ask(CONSUMER, book.get(0n), 'on_job_end'));
    ok(book.apply(0n, [MATCHED, { Dispatched: null }], 1n));
    ok(book.apply(0n, [COMPLETED], 2n));
    // Completed is not the end: payment has yet to settle it.
    expect(sent).toEqual([]);
    ok(book.apply(0n, [{ Settled: null }], 3n));
    expect(sent).toEqual([{ consumer: CONSUMER, method: 'on_job_end', job_id: 0n, outcome: { settled: null } }]);
    expect(store.map.size).toBe(0);
    // Another write of the ended job sends nothing more.
    expect(book.apply(0n, [{ Settled: null }], 4n)).toHaveProperty('Err.InvalidTransition');
    expect(sent).toHaveLength(1);
  });

  it('tell a refunded job’s failure, and are dropped unsent when the job ends rejected', () => {
    const { notices, book, sent, store } = setup();
    ok(notices.ask(CONSUMER, book.get(0n), 'on_job_end'));
    ok(book.apply(0n, [MATCHED, { Failed: 'worker crashed' }], 1n));
    expect(sent).toEqual([]);
    ok(book.apply(0n, [{ Refunded: null }], 2n));
    expect(sent.map((notice) => notice.outcome)).toEqual([{ refunded: 'worker crashed' }]);

    ok(book.create(2n, CONSUMER, request(), MODEL, 0n));
    ok(notices.ask(CONSUMER, book.get(2n), 'on_job_end'));
    ok(book.apply(2n, [{ Rejected: 'escrow: no allowance' }], 1n));
    expect(sent).toHaveLength(1);
    expect(store.map.size).toBe(0);
  });
});
