// Turns reported events into bucket additions and account flows. A job's model, region and providers come with
// its marketplace reports; analytics keeps them for open jobs so that payment's, the bridge's and verification's
// reports about the job count in the same dimensions, and forgets them when the job ends. An event about a job it
// does not know (reported before analytics was named, say) still counts in the total and its provider's figures.
// Pure: storage comes in as interfaces; no 'azle' import.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import type { Accounts } from './accounts';
import type { Buckets } from './buckets';
import { ALL, modelKey, providerKey, regionKey } from './dimensions';
import type { Event, JobReport, PaymentReport, RunReport, SlashReport } from './events';
import { record } from './histogram';
import { emptyStats, type Counter, type Stats } from './stats';

/** What analytics remembers of an open job. */
export const JobInfo = IDL.Record({ model: IDL.Nat64, region: IDL.Opt(IDL.Text), providers: IDL.Vec(IDL.Principal) });
export type JobInfo = { model: bigint; region: [] | [string]; providers: Principal[] };

export interface JobInfoStorage {
  get(id: bigint): JobInfo | undefined;
  put(id: bigint, info: JobInfo): void;
  remove(id: bigint): void;
}

export type Sinks = { buckets: Buckets; accounts: Accounts; jobs: JobInfoStorage };

// Stages after which nothing more is reported about a job.
const FINAL = new Set(['rejected', 'settled', 'refunded']);

const stats = (values: Partial<Record<Counter, bigint>>): Stats => Object.assign(emptyStats(), values);

/** The model's, the region's and the total's keys for a job. */
function jobDims(info: JobInfo | undefined): string[] {
  if (info === undefined) return [ALL];
  return [ALL, modelKey(info.model), ...info.region.map(regionKey)];
}

function unique(principals: Principal[]): Principal[] {
  const seen = new Map(principals.map((p) => [p.toText(), p]));
  return [...seen.values()];
}

export function ingest(event: Event, sinks: Sinks): void {
  if ('job' in event) return ingestJob(event.job, sinks);
  if ('payment' in event) return ingestPayment(event.payment, sinks);
  if ('slash' in event) return ingestSlash(event.slash, sinks);
  return ingestRun(event.run, sinks);
}

function ingestJob(report: JobReport, { buckets, jobs }: Sinks): void {
  const stage = Object.keys(report.stage)[0] as Counter | 'dispatched';
  const info: JobInfo = { model: report.model, region: report.region, providers: unique(report.providers) };
  if (FINAL.has(stage)) jobs.remove(report.job_id);
  else jobs.put(report.job_id, info);
  if (stage === 'dispatched') return;
  const delta = stats({ [stage]: 1n });
  const latency = report.latency_ms[0];
  if (stage === 'completed' && latency !== undefined) {
    record(delta.latency, latency);
    delta.latency_samples = 1n;
    delta.latency_ms_total = latency;
  }
  buckets.add([...jobDims(info), ...info.providers.map(providerKey)], report.at, delta);
}

function ingestPayment(report: PaymentReport, { buckets, accounts, jobs }: Sinks): void {
  const earned = { provider: 0n, creator: 0n, treasury: 0n };
  for (const credit of report.credits) {
    const role = Object.keys(credit.role)[0] as keyof typeof earned;
    earned[role] += credit.amount;
    accounts.add(credit.owner, role === 'treasury' ? 'treasury_income' : `${role}_earnings`, credit.amount);
    // A provider's own figures hold what it was credited.
    if (role === 'provider') buckets.add([providerKey(credit.owner)], report.at, stats({ provider_earnings: credit.amount }));
  }
  accounts.add(report.consumer, 'spent', report.escrow);
  accounts.add(report.consumer, 'refunded', report.refund);
  const delta = stats({
    volume: report.escrow,
    refunds: report.refund,
    ledger_fees: report.ledger_fees,
    provider_earnings: earned.provider,
    creator_earnings: earned.creator,
    treasury_fees: earned.treasury,
  });
  buckets.add(jobDims(jobs.get(report.job_id)), report.at, delta);
}

function ingestSlash(report: SlashReport, { buckets, accounts, jobs }: Sinks): void {
  accounts.add(report.provider, 'slashed', report.amount);
  const dims = [...jobDims(jobs.get(report.job_id)), providerKey(report.provider)];
  buckets.add(dims, report.at, stats({ slashes: 1n, slashed: report.amount }));
}

function ingestRun(report: RunReport, { buckets, jobs }: Sinks): void {
  const dims = [...jobDims(jobs.get(report.job_id)), providerKey(report.provider)];
  buckets.add(dims, report.at, stats({ runs: 1n, tokens: report.tokens, run_ms_total: report.run_ms }));
}
