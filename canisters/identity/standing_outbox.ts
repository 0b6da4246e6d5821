// Providers whose standing changed since the marketplace last acknowledged it. Identity pushes them (with its
// min_stake) after each change and again from a timer until a push is acknowledged, so matching never waits for
// anyone to call refresh_standing. A push rather than a time-to-live: matching runs in queries, which cannot call
// identity, and an expiring cache would leave a slashed provider matchable until it expired.
import { MAX_PUSH } from '../marketplace/types';
import type { OrderedTable } from './tables';

/** The entry that stands for a change of min_stake, which concerns every provider. Not a principal's text. */
export const MIN_STAKE_ENTRY = 'min_stake';

export type OutboxEntry = { key: string; seq: bigint };

export class StandingOutbox {
  /** `table`: each entry's sequence number by its key. */
  constructor(private readonly table: OrderedTable<bigint>) {}

  /** Records a change; the sequence number lets a push acknowledged later keep a change made while it was in flight. */
  mark(key: string): void {
    this.table.insert(key, (this.table.get(key) ?? 0n) + 1n);
  }

  /** The first `limit` entries, read without loading the rest (the marketplace refuses more than MAX_PUSH). */
  batch(limit = MAX_PUSH): OutboxEntry[] {
    return this.table.items(0, limit).map(([key, seq]) => ({ key, seq }));
  }

  /** The marketplace took `batch`: entries not changed again since are done. */
  delivered(batch: OutboxEntry[]): void {
    for (const entry of batch) if (this.table.get(entry.key) === entry.seq) this.table.remove(entry.key);
  }

  /**
   * Takes over the entries of the earlier layout, a JSON record each (an upgrade from it). No push is in flight
   * across an upgrade, so each is simply still owed one.
   */
  adopt(earlier: OrderedTable<OutboxEntry>): void {
    for (const [key] of earlier.items(0, earlier.len())) {
      this.mark(key);
      earlier.remove(key);
    }
  }

  get size(): number {
    return this.table.len();
  }
}
