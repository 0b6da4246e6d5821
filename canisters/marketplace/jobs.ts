// The job book: jobs by id, each consumer's jobs newest first, and the unfinished ones the sweep looks at.
// Storage comes in through a small interface, so the canister backs it with stable memory and tests with maps. The
// indexes are kept in the store too, so an upgrade reads only unfinished jobs: a job anyone can have rejected for
// free costs it nothing.
import type { Principal } from '@dfinity/principal';

import { providerKey } from './eligibility';
import { isFinal, newJob, stateName, transition } from './job_machine';
import type { Job, JobEvent, JobId, JobPage, JobRequest, JobResult, ModelTerms } from './job_types';

export interface JobStore {
  get(id: JobId): Job | undefined;
  put(job: Job): void;
  /** Each consumer's job ids (by providerKey) in submission order: how many, the one at a position, one more. */
  consumers: { count(key: string): number; at(key: string, position: number): JobId; add(key: string, id: JobId): void };
  /** Ids of the jobs not final yet. */
  unfinished: { ids(): Iterable<JobId>; add(id: JobId): void; delete(id: JobId): void };
}

export class JobBook {
  constructor(private readonly store: JobStore) {}

  get(id: JobId): Job | undefined {
    return this.store.get(id);
  }

  /** A new submitted job; its id comes from the caller, which shares one sequence with reservations. */
  create(id: JobId, consumer: Principal, request: JobRequest, model: ModelTerms, now: bigint): JobResult<Job> {
    const created = newJob(id, consumer, request, model, now);
    if ('Ok' in created) {
      this.store.put(created.Ok);
      this.index(created.Ok);
    }
    return created;
  }

  /** Applies each event in turn and stores the result only if all of them are allowed. */
  apply(id: JobId, events: JobEvent[], now: bigint): JobResult<Job> {
    let job = this.store.get(id);
    if (job === undefined) return { Err: { NotFound: null } };
    for (const event of events) {
      const next = transition(job, event, now);
      if ('Err' in next) return next;
      job = next.Ok;
    }
    this.store.put(job);
    if (isFinal(job.state)) this.store.unfinished.delete(id);
    return { Ok: job };
  }

  /** The consumer's jobs, newest first. */
  page(consumer: Principal, offset: number, limit: number): JobPage {
    const key = providerKey(consumer);
    const total = this.store.consumers.count(key);
    const jobs: Job[] = [];
    for (let i = total - 1 - offset; i >= 0 && jobs.length < limit; i--) jobs.push(this.store.get(this.store.consumers.at(key, i))!);
    return { jobs, total: BigInt(total) };
  }

  /**
   * Jobs the sweep must move on, oldest first: matched or dispatched ones older than the timeout, and completed
   * or failed ones whose settlement or refund has not landed yet.
   */
  stuck(now: bigint, timeoutNs: bigint): Job[] {
    const found: Job[] = [];
    for (const id of [...this.store.unfinished.ids()].sort((a, b) => (a < b ? -1 : 1))) {
      const job = this.store.get(id)!;
      const state = stateName(job.state);
      if (state === 'completed' || state === 'failed') found.push(job);
      else if ((state === 'matched' || state === 'dispatched') && now - job.created_at >= timeoutNs) found.push(job);
    }
    return found;
  }

  /** Jobs holding slots now (matched or dispatched), to rebuild what the heap knows of running jobs. */
  occupying(): Job[] {
    return [...this.store.unfinished.ids()]
      .map((id) => this.store.get(id)!)
      .filter((job) => 'matched' in job.state || 'dispatched' in job.state);
  }

  private index(job: Job): void {
    this.store.consumers.add(providerKey(job.consumer), job.id);
    if (!isFinal(job.state)) this.store.unfinished.add(job.id);
  }
}
