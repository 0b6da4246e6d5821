// How a job's payment was split, as the payment canister recorded it: the credits in the payees' histories and the
// refunds in the consumer's. Read, never recomputed from prices, so what is shown is what was paid.
import type { Principal } from '@dfinity/principal';

import type { Account } from '../../canisters/ledger/types';
import type { Job } from '../../canisters/marketplace/job_types';
import type { HistoryEntry, HistoryPage } from '../../canisters/payment/types';

/** The history's page limit (MAX_PAGE_LIMIT in canisters/payment/history.ts). */
export const HISTORY_PAGE_LIMIT = 100;

export type Credit = { owner: Principal; role: 'provider' | 'creator' | 'treasury'; amount: bigint };
export type RecordedSplit = { credits: Credit[]; refunds: { amount: bigint; fee: bigint }[] };

/** Payment's history method, as every actor of it has it (src/sdk/payment.ts types its error loosely). */
export type HistoryReader = {
  history(account: Account, page: { offset: number; limit: number }): Promise<{ Ok: HistoryPage } | { Err: unknown }>;
};

const own = (owner: Principal): Account => ({ owner, subaccount: [] });

/** The entries of `job` in an account's payment history, read from the newest back to the job's creation. */
export async function entriesOfJob(payment: HistoryReader, account: Account, job: Job): Promise<HistoryEntry[]> {
  const head = await payment.history(account, { offset: 0, limit: 0 });
  if ('Err' in head) return [];
  const found: HistoryEntry[] = [];
  let end = Number(head.Ok.total);
  while (end > 0) {
    const offset = Math.max(0, end - HISTORY_PAGE_LIMIT);
    const page = await payment.history(account, { offset, limit: end - offset });
    if ('Err' in page) break;
    for (const entry of page.Ok.items) {
      const event = entry.event;
      const jobId = 'withdrawn' in event ? undefined : Object.values(event)[0].job_id;
      if (jobId === job.id) found.push(entry);
    }
    if (page.Ok.items.length === 0 || page.Ok.items[0].at < job.created_at) break;
    end = offset;
  }
  return found;
}

/**
 * Picks a job's credits and refunds out of history entries (pure; the entries may hold other jobs'). Payment credits
 * every payee of a job in one call, so the split's credits share the earliest time; a treasury credit for the job
 * later is a forfeited dispute deposit, not part of what the job's price paid.
 */
export function splitFromHistory(job: Job, entries: { owner: Principal; entry: HistoryEntry }[]): RecordedSplit {
  const split: RecordedSplit = { credits: [], refunds: [] };
  const credits = entries.filter(({ entry }) => 'credited' in entry.event && entry.event.credited.job_id === job.id);
  const settledAt = credits.reduce<bigint | undefined>(
    (first, { entry }) => (first === undefined || entry.at < first ? entry.at : first),
    undefined,
  );
  for (const { owner, entry } of entries) {
    const event = entry.event;
    if ('credited' in event && event.credited.job_id === job.id && entry.at === settledAt)
      split.credits.push({ owner, role: Object.keys(event.credited.role)[0] as Credit['role'], amount: event.credited.amount });
    if ('refunded' in event && event.refunded.job_id === job.id)
      split.refunds.push({ amount: event.refunded.amount, fee: event.refunded.fee });
  }
  return split;
}

/**
 * The split of `job` as payment recorded it, read from the histories of the providers that ran it, its model's
 * creator, the treasury and the consumer.
 */
export async function recordedSplit(payment: HistoryReader, job: Job, providers: Principal[], treasury: Account): Promise<RecordedSplit> {
  // Each account read once: a consumer who is also the model's creator has one history, not two.
  const accounts = new Map<string, { owner: Principal; account: Account }>();
  const add = (account: Account) =>
    accounts.set(`${account.owner.toText()}/${account.subaccount[0]?.join(',') ?? ''}`, { owner: account.owner, account });
  for (const owner of [...providers, job.creator, job.consumer]) add(own(owner));
  add(treasury);
  const histories = await Promise.all(
    [...accounts.values()].map(async ({ owner, account }) =>
      (await entriesOfJob(payment, account, job)).map((entry) => ({ owner, entry })),
    ),
  );
  return splitFromHistory(job, histories.flat());
}

/** The recorded split summed by role, with what went to ledger fees: the escrowed amount less credits and refunds. */
export function splitTotals(escrowed: bigint, split: RecordedSplit) {
  const by = (role: Credit['role']) => split.credits.filter((c) => c.role === role).reduce((sum, c) => sum + c.amount, 0n);
  const refunded = split.refunds.reduce((sum, r) => sum + r.amount, 0n);
  const credited = split.credits.reduce((sum, c) => sum + c.amount, 0n);
  return { providers: by('provider'), creator: by('creator'), treasury: by('treasury'), refunded, fees: escrowed - credited - refunded };
}
