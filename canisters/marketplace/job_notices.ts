// The opt-in notice a canister consumer asks for when it submits a long job: when the job ends (settled or
// refunded) the marketplace calls one of the consumer's own methods once, with the job id and the outcome. At most
// one notice per job, removed when sent or when the job ends any other way, so the store never outgrows the
// unfinished jobs. Pure: the canister backs the store with stable memory and sends the call one way.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { isOneOf } from '../shared/guard';
import { isFinal } from './job_machine';
import type { Job, JobError, JobId, JobResult } from './job_types';
import type { JobStore } from './jobs';

/** The longest method name a notice may name, in bytes. */
export const MAX_NOTICE_METHOD = 64;

/** What the notified method receives after the job id. */
export const JobOutcome = IDL.Variant({ settled: IDL.Null, refunded: IDL.Text });
export type JobOutcome = { settled: null } | { refunded: string };

/** The notified method's arguments: the job id and its outcome. */
export const NoticeArgs = [IDL.Nat64, JobOutcome];

export interface NoticeStore {
  get(id: JobId): string | undefined;
  put(id: JobId, method: string): void;
  remove(id: JobId): void;
}

/** A notice due now: the consumer's method and what to tell it. */
export type Notice = { consumer: Principal; method: string; job_id: JobId; outcome: JobOutcome };

// The last byte of a principal is its class: 0x01 is an opaque id, which only canisters have (users are
// self-authenticating, 0x02; anonymous is 0x04). The management canister has no bytes and runs no jobs.
const OPAQUE_ID = 0x01;
const METHOD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isCanister = (principal: Principal): boolean => principal.toUint8Array().at(-1) === OPAQUE_ID;

/** Why `caller` may not have `method` called when `job` ends, or undefined when it may. */
export function noticeProblem(caller: Principal, job: Job, method: string): JobError | undefined {
  if (!isOneOf(caller, job.consumer)) return { Unauthorized: 'only the job’s consumer may ask for its notice' };
  if (!isCanister(caller)) return { Unauthorized: 'only a canister consumer can be notified: a user reads the job with get_job' };
  if (method.length > MAX_NOTICE_METHOD || !METHOD_NAME.test(method))
    return { InvalidInput: `method: an identifier of at most ${MAX_NOTICE_METHOD} ASCII letters, digits and underscores` };
  if (isFinal(job.state)) return { InvalidInput: 'the job has already ended' };
  return undefined;
}

/** A settled job tells `settled`, a refunded one `refunded` with its failure; any other state tells nothing. */
export function outcomeOf(job: Job): JobOutcome | undefined {
  if ('settled' in job.state) return { settled: null };
  if ('refunded' in job.state) return { refunded: job.failure[0] ?? '' };
  return undefined;
}

export class JobNotices {
  constructor(private readonly store: NoticeStore) {}

  /** Records the notice (a second ask replaces the method named before). */
  ask(caller: Principal, job: Job | undefined, method: string): JobResult<null> {
    if (job === undefined) return { Err: { NotFound: null } };
    const problem = noticeProblem(caller, job, method);
    if (problem !== undefined) return { Err: problem };
    this.store.put(job.id, method);
    return { Ok: null };
  }

  /** The notice due for a job just stored, taken out so it is sent once; undefined while the job runs. */
  take(job: Job): Notice | undefined {
    if (!isFinal(job.state)) return undefined;
    const method = this.store.get(job.id);
    if (method === undefined) return undefined;
    this.store.remove(job.id);
    const outcome = outcomeOf(job);
    return outcome === undefined ? undefined : { consumer: job.consumer, method, job_id: job.id, outcome };
  }
}

/** The job store, sending the notice due (if any) after a job is stored in a final state. */
export function notifyingJobs(store: JobStore, notices: JobNotices, send: (notice: Notice) => void): JobStore {
  return {
    ...store,
    put(job: Job): void {
      store.put(job);
      const notice = notices.take(job);
      if (notice !== undefined) send(notice);
    },
  };
}
