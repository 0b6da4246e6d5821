// Each account's history: append-only entries numbered from 0, read oldest first in pages. Entries are stored
// one per key (the account, then the index in fixed-width hex) so an append never rewrites earlier ones.
import { accountKey } from '../ledger/accounts';
import type { Account } from '../ledger/types';
import type { Store } from './store';
import type { HistoryEntry, HistoryEvent, HistoryPage, Page, Result } from './types';

export const MAX_PAGE_LIMIT = 100;

function entryKey(account: string, index: bigint): string {
  return `${account}#${index.toString(16).padStart(16, '0')}`;
}

export class History {
  constructor(
    private readonly counts: Store<string, bigint>,
    private readonly entries: Store<string, HistoryEntry>,
  ) {}

  append(account: Account, at: bigint, event: HistoryEvent): HistoryEntry {
    const key = accountKey(account);
    const index = this.counts.get(key) ?? 0n;
    const entry = { index, at, event };
    this.entries.set(entryKey(key, index), entry);
    this.counts.set(key, index + 1n);
    return entry;
  }

  page(account: Account, page: Page): Result<HistoryPage> {
    if (page.limit > MAX_PAGE_LIMIT) return { Err: { InvalidInput: `limit: at most ${MAX_PAGE_LIMIT}` } };
    const key = accountKey(account);
    const total = this.counts.get(key) ?? 0n;
    const items: HistoryEntry[] = [];
    for (let index = BigInt(page.offset); index < total && items.length < page.limit; index++) {
      const entry = this.entries.get(entryKey(key, index));
      if (!entry) throw new Error(`history of ${key} lacks entry ${index}`);
      items.push(entry);
    }
    return { Ok: { items, total } };
  }
}
