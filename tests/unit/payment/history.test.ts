import { describe, expect, it } from 'vitest';

import { History, MAX_PAGE_LIMIT } from '../../../canisters/payment/history';
import type { HistoryEntry } from '../../../canisters/payment/types';
import { account, ok } from './fixtures';

function history(): History {
  return new History(new Map<string, bigint>(), new Map<string, HistoryEntry>());
}

describe('history per account', () => {
  it('numbers entries from 0 per account, oldest first', () => {
    const log = history();
    const [alice, bob] = [account(), account()];
    for (let i = 0n; i < 5n; i++) log.append(alice, 100n + i, { escrowed: { job_id: i, amount: 10n * i } });
    log.append(bob, 7n, { withdrawn: { amount: 50n, fee: 10n, block: 3n } });
    const page = ok(log.page(alice, { offset: 0, limit: 10 }));
    expect(page.total).toBe(5n);
    expect(page.items.map((entry) => entry.index)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(page.items[2]).toEqual({ index: 2n, at: 102n, event: { escrowed: { job_id: 2n, amount: 20n } } });
    expect(ok(log.page(bob, { offset: 0, limit: 10 }))).toEqual({
      items: [{ index: 0n, at: 7n, event: { withdrawn: { amount: 50n, fee: 10n, block: 3n } } }],
      total: 1n,
    });
  });

  it('pages through every entry exactly once', () => {
    const log = history();
    const alice = account();
    for (let i = 0n; i < 23n; i++) log.append(alice, i, { escrowed: { job_id: i, amount: 1n } });
    const seen: bigint[] = [];
    for (let offset = 0; ; offset += 5) {
      const page = ok(log.page(alice, { offset, limit: 5 }));
      expect(page.total).toBe(23n);
      if (page.items.length === 0) break;
      seen.push(...page.items.map((entry) => entry.index));
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => BigInt(i)));
  });

  it('answers an empty page past the end or for an unknown account, and refuses a limit over the cap', () => {
    const log = history();
    const alice = account();
    log.append(alice, 0n, { escrowed: { job_id: 0n, amount: 1n } });
    expect(ok(log.page(alice, { offset: 9, limit: 5 }))).toEqual({ items: [], total: 1n });
    expect(ok(log.page(account(), { offset: 0, limit: 5 }))).toEqual({ items: [], total: 0n });
    expect(log.page(alice, { offset: 0, limit: MAX_PAGE_LIMIT + 1 })).toEqual({ Err: { InvalidInput: 'limit: at most 100' } });
  });
});
