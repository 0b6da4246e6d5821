// The user's jobs: all of them, filtered as the page asks, their outputs (read lazily), and as CSV.
import type { JobOutput } from '../../../../canisters/bridge/types';
import type { Job } from '../../../../canisters/marketplace/job_types';
import type { Actors } from '../api/actors';
import * as bridgeApi from '../api/bridge';
import * as marketApi from '../api/marketplace';
import { formatAmount, type Token } from '../format/amount';
import { toCsv } from '../format/csv';
import { toHex, variantName } from '../format/misc';
import { isoTime } from '../format/time';
import { errorSentence } from '../errors';
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

/** A job's output as the list shows it: a text, an embedding's size, or why it could not be read. */
export type OutputSummary = { text: string } | { dimensions: number } | { error: string };

/** The most outputs the page reads at once (the first shown), and the most an export reads. */
export const OUTPUT_PAGE = 50;
export const OUTPUT_EXPORT_LIMIT = 500;
const OUTPUT_CONCURRENCY = 6;
const PREVIEW_CHARS = 80;

export function summarizeOutput(output: JobOutput): OutputSummary {
  if (output.text[0] !== undefined) return { text: output.text[0] };
  return { dimensions: output.vector.length };
}

/** The output in a few words: a short preview of a text (on one line), or "N-dimensional vector". */
export function outputPreview(summary: OutputSummary | undefined, chars = PREVIEW_CHARS): string {
  if (summary === undefined) return '';
  if ('error' in summary) return 'output unavailable';
  if ('dimensions' in summary) return `${summary.dimensions}-dimensional vector`;
  const line = summary.text.replace(/\s+/g, ' ').trim();
  return line.length > chars ? `${line.slice(0, chars - 1)}…` : line;
}

/** The output as the CSV holds it: a text whole, an embedding's size. */
const outputCell = (summary: OutputSummary | undefined): string =>
  summary === undefined || 'error' in summary || 'dimensions' in summary ? outputPreview(summary) : summary.text;

/** Settled jobs among `jobs` whose output `known` lacks, at most `limit`, in order. */
export function outputsToRead(jobs: Job[], known: ReadonlyMap<bigint, OutputSummary>, limit: number): bigint[] {
  const ids: bigint[] = [];
  for (const job of jobs) {
    if (ids.length >= limit) break;
    if ('settled' in job.state && !known.has(job.id)) ids.push(job.id);
  }
  return ids;
}

/** Reads the outputs of `ids` from the bridge, a few at a time; one that fails is summarized as an error. */
export async function loadOutputs(a: Actors, ids: bigint[]): Promise<Map<bigint, OutputSummary>> {
  const read = new Map<bigint, OutputSummary>();
  for (let i = 0; i < ids.length; i += OUTPUT_CONCURRENCY) {
    const batch = ids.slice(i, i + OUTPUT_CONCURRENCY);
    const replies = await Promise.all(
      batch.map(async (id): Promise<OutputSummary> => {
        try {
          const reply = await bridgeApi.getOutput(a, id);
          return 'Ok' in reply ? summarizeOutput(reply.Ok) : { error: errorSentence('bridge', reply.Err) };
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    batch.forEach((id, k) => read.set(id, replies[k]));
  }
  return read;
}

export const CSV_HEADER = ['job', 'created', 'updated', 'state', 'model', 'lane', 'redundancy', 'max_tokens', `price`, 'input', 'output', 'result_sha256', 'failure'];

/**
 * The jobs as CSV; the price in tokens with the token's decimals (exact), its symbol in the header; the output a
 * text whole or "N-dimensional vector", empty where it was not read.
 */
export function jobsCsv(jobs: Job[], token: Token, outputs: ReadonlyMap<bigint, OutputSummary> = new Map()): string {
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
      outputCell(outputs.get(job.id)),
      job.result_hash[0] ? toHex(job.result_hash[0]) : '',
      job.failure[0] ?? '',
    ]),
  );
}
