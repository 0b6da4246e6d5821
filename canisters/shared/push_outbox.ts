// Changes a canister owes a peer, pushed after each change and again from a timer until the peer acknowledges them:
// identity's provider standings and the registry's changed models, both to the marketplace. A key's sequence number
// lets a push acknowledged later keep a change made while it was in flight.

/** The part of a StableBTreeMap the outbox uses: each entry's sequence number by its key, read in key order. */
export interface OutboxTable {
  get(key: string): bigint | undefined;
  insert(key: string, seq: bigint): unknown;
  remove(key: string): unknown;
  items(start: number, length: number): [string, bigint][];
  len(): number;
}

export type OutboxEntry = { key: string; seq: bigint };

export class PushOutbox {
  constructor(
    protected readonly table: OutboxTable,
    private readonly batchLimit: number,
  ) {}

  /** Records a change of `key`. */
  mark(key: string): void {
    this.table.insert(key, (this.table.get(key) ?? 0n) + 1n);
  }

  /** The first entries, as many as the peer takes in one push, read without loading the rest. */
  batch(limit = this.batchLimit): OutboxEntry[] {
    return this.table.items(0, limit).map(([key, seq]) => ({ key, seq }));
  }

  /** The peer took `batch`: entries not changed again since are done. */
  delivered(batch: OutboxEntry[]): void {
    for (const entry of batch) if (this.table.get(entry.key) === entry.seq) this.table.remove(entry.key);
  }

  get size(): number {
    return this.table.len();
  }
}
