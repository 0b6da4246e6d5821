// The user's jobs: all of them, filtered as the page asks, and as CSV.
import type { Job } from '../../../../canisters/marketplace/job_types';
import type { Actors } from '../api/actors';
import * as marketApi from '../api/marketplace';
import { formatAmount, type Token } from '../format/amount';
import { toCsv } from '../format/csv';
import { toHex, variantName } from '../format/misc';
import { isoTime } from '../format/time';
import { attempt, fromResult, success, type Outcome } from './outcome';
import { stateOf } from './jobs';

/** Every job the caller submitted, newest first. */
export async function loadMyJobs(a: Actors, host?: string): Promise<Outcome<Job[]>> {
  return attempt(async () => {
    const jobs: Job[] = [];
    for (;;) {
      const page = fromResult('marketplace', await marketApi.listJobs(a, BigInt(jobs.length)));
      if (!page.ok) return page;
      jobs.push(...page.value.jobs);
      if (page.value.jobs.length === 0 || BigInt(jobs.length) >= page.value.total) break;
    }
    return success(jobs.sort((x, y) => (x.created_at === y.created_at ? 0 : x.created_at > y.created_at ? -1 : 1)));
  }, host);
}

export type JobFilter = { state: string; model: string; text: string };

export function filterJobs(jobs: Job[], filter: JobFilter): Job[] {
  const text = filter.text.trim().toLowerCase();
  return jobs.filter(
    (job) =>
      (filter.state === '' || stateOf(job) === filter.state) &&
      (filter.model === '' || job.request.model.toString() === filter.model) &&
      (text === '' || `${job.id} ${job.request.input[0] ?? ''} ${job.failure[0] ?? ''}`.toLowerCase().includes(text)),
  );
}

export const CSV_HEADER = ['job', 'created', 'updated', 'state', 'model', 'lane', 'redundancy', 'max_tokens', `price`, 'input', 'result_sha256', 'failure'];

/** The jobs as CSV; the price in tokens with the token's decimals (exact), its symbol in the header. */
export function jobsCsv(jobs: Job[], token: Token): string {
  const header = CSV_HEADER.map((h) => (h === 'price' ? `price_${token.symbol}` : h));
  return toCsv(
    header,
    jobs.map((job) => [
      job.id,
      isoTime(job.created_at),
      isoTime(job.updated_at),
      stateOf(job),
      job.request.model,
      variantName(job.request.lane),
      job.request.redundancy,
      job.request.max_tokens,
      formatAmount(job.price, token.decimals, { group: false }),
      job.request.input[0] ?? '',
      job.result_hash[0] ? toHex(job.result_hash[0]) : '',
      job.failure[0] ?? '',
    ]),
  );
}
