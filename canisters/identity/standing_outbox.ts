// Providers whose standing changed since the marketplace last acknowledged it. Identity pushes them (with its
// min_stake) after each change and again from a timer until a push is acknowledged, so matching never waits for
// anyone to call refresh_standing. A push rather than a time-to-live: matching runs in queries, which cannot call
// identity, and an expiring cache would leave a slashed provider matchable until it expired.
import { MAX_PUSH } from '../marketplace/types';
import { PushOutbox, type OutboxEntry } from '../shared/push_outbox';
import type { OrderedTable } from './tables';

/** The entry that stands for a change of min_stake, which concerns every provider. Not a principal's text. */
export const MIN_STAKE_ENTRY = 'min_stake';

export type { OutboxEntry };

export class StandingOutbox extends PushOutbox {
  /** `table`: each entry's sequence number by its key; a push carries at most MAX_PUSH (the marketplace's cap). */
  constructor(table: OrderedTable<bigint>) {
    super(table, MAX_PUSH);
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
}
