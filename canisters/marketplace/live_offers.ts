// Which offers are live (active or paused) per model, for explaining a no-match and listing a model's offers. A
// stranger's offers are live too, so the set lives where an upgrade does not rebuild it: one bitmap per model and
// block of CHUNK offer ids, plus counts. Reading the first ids of a model costs a block per CHUNK offers ever made,
// not a decode per offer. Pure: the blocks and counts come in through LiveStore.
import type { ModelId } from '../shared/models';
import type { OfferId } from './offer_types';

/** Offer ids one bitmap block covers. */
export const CHUNK = 4_096;

export interface LiveStore {
  block(model: ModelId, chunk: number): Uint8Array | undefined;
  setBlock(model: ModelId, chunk: number, bits: Uint8Array): void;
  /** Live offers of a model. */
  count(model: ModelId): number;
  setCount(model: ModelId, count: number): void;
  /** Live offers of every model, each offer once. */
  total(): number;
  setTotal(total: number): void;
}

const chunkOf = (id: OfferId) => Number(id / BigInt(CHUNK));
const bitOf = (id: OfferId) => Number(id % BigInt(CHUNK));

export class LiveOffers {
  constructor(private readonly store: LiveStore) {}

  add(model: ModelId, id: OfferId): void {
    this.flip(model, id, true);
  }

  delete(model: ModelId, id: OfferId): void {
    this.flip(model, id, false);
  }

  count(model: ModelId): number {
    return this.store.count(model);
  }

  /** An offer became live (+1) or stopped being live (-1), whatever its models. */
  adjustTotal(delta: number): void {
    this.store.setTotal(this.store.total() + delta);
  }

  get total(): number {
    return this.store.total();
  }

  /** The model's live ids in ascending order, `limit` of them after skipping `offset`; `ids` bounds the blocks read. */
  ids(model: ModelId, offset: number, limit: number, ids: bigint): OfferId[] {
    const found: OfferId[] = [];
    let skip = offset;
    for (let chunk = 0; chunk * CHUNK < Number(ids) && found.length < limit; chunk++) {
      const bits = this.store.block(model, chunk);
      if (bits === undefined) continue;
      for (let i = 0; i < CHUNK && found.length < limit; i++) {
        if ((bits[i >> 3] & (1 << (i & 7))) === 0) continue;
        if (skip > 0) skip--;
        else found.push(BigInt(chunk * CHUNK + i));
      }
    }
    return found;
  }

  private flip(model: ModelId, id: OfferId, live: boolean): void {
    const chunk = chunkOf(id);
    const bits = this.store.block(model, chunk) ?? new Uint8Array(CHUNK / 8);
    const [at, mask] = [bitOf(id) >> 3, 1 << (bitOf(id) & 7)];
    if (((bits[at] & mask) !== 0) === live) return;
    bits[at] ^= mask;
    this.store.setBlock(model, chunk, bits);
    this.store.setCount(model, this.store.count(model) + (live ? 1 : -1));
  }
}
