// The job book: jobs by id, each consumer's jobs newest first, and the unfinished ones the sweep looks at.
// Storage comes in through a small interface, so the canister backs it with stable memory and tests with a map.
import type { Principal } from '@dfinity/principal';

import { providerKey } from './eligibility';
import { isFinal, newJob, stateName, transition } from './job_machine';
import type { Job, JobEvent, JobId, JobPage, JobRequest, JobResult, ModelTerms } from './job_types';

export interface JobStore {
  get(id: JobId): Job | undefined;
  put(job: Job): void;
  /** Every job, to rebuild the indexes. */
  values(): Iterable<Job>;
}

export class JobBook {
  private readonly byConsumer = new Map<string, JobId[]>();
  private readonly unfinished = new Set<JobId>();

  constructor(private readonly store: JobStore) {
    for (const job of store.values()) this.index(job);
  }

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
    if (isFinal(job.state)) this.unfinished.delete(id);
    return { Ok: job };
  }

  /** The consumer's jobs, newest first. */
  page(consumer: Principal, offset: number, limit: number): JobPage {
    const ids = this.byConsumer.get(providerKey(consumer)) ?? [];
    const jobs: Job[] = [];
    for (let i = ids.length - 1 - offset; i >= 0 && jobs.length < limit; i--) jobs.push(this.store.get(ids[i])!);
    return { jobs, total: BigInt(ids.length) };
  }

  /**
   * Jobs the sweep must move on, oldest first: matched or dispatched ones older than the timeout, and completed
   * or failed ones whose settlement or refund has not landed yet.
   */
  stuck(now: bigint, timeoutNs: bigint): Job[] {
    const found: Job[] = [];
    for (const id of [...this.unfinished].sort((a, b) => (a < b ? -1 : 1))) {
      const job = this.store.get(id)!;
      const state = stateName(job.state);
      if (state === 'completed' || state === 'failed') found.push(job);
      else if ((state === 'matched' || state === 'dispatched') && now - job.created_at >= timeoutNs) found.push(job);
    }
    return found;
  }

  /** Jobs holding slots now (matched or dispatched), to rebuild what the heap knows of running jobs. */
  occupying(): Job[] {
    return [...this.unfinished].map((id) => this.store.get(id)!).filter((job) => 'matched' in job.state || 'dispatched' in job.state);
  }

  private index(job: Job): void {
    const key = providerKey(job.consumer);
    const ids = this.byConsumer.get(key) ?? [];
    ids.push(job.id);
    this.byConsumer.set(key, ids);
    if (!isFinal(job.state)) this.unfinished.add(job.id);
  }
}
