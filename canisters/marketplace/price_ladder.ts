// A model's active offers of one price unit, sorted by (amount, id): matching walks it cheapest first and can stop
// early, instead of reading every offer. Insert and remove are a binary search and a splice.
import type { OfferId } from './offer_types';

type Rung = { amount: bigint; id: OfferId };

const before = (a: Rung, b: Rung): boolean => a.amount < b.amount || (a.amount === b.amount && a.id < b.id);

export class PriceLadder {
  private readonly rungs: Rung[] = [];

  get size(): number {
    return this.rungs.length;
  }

  add(amount: bigint, id: OfferId): void {
    const rung = { amount, id };
    this.rungs.splice(this.position(rung), 0, rung);
  }

  remove(amount: bigint, id: OfferId): void {
    const at = this.position({ amount, id });
    if (at < this.rungs.length && this.rungs[at].id === id) this.rungs.splice(at, 1);
  }

  /** The rung at a position, cheapest first. */
  at(index: number): Rung | undefined {
    return this.rungs[index];
  }

  private position(rung: Rung): number {
    let [low, high] = [0, this.rungs.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.rungs[mid], rung)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
