// The live sets per model as bitmap blocks: ids in order across blocks, paging, counts per model and in all.
import { describe, expect, it } from 'vitest';

import { CHUNK, LiveOffers } from '../../../canisters/marketplace/live_offers';
import { memoryLive } from './fixtures';

describe('live offers', () => {
  it('lists a model’s ids in ascending order across blocks, pages them, and counts each change once', () => {
    const live = new LiveOffers(memoryLive());
    const far = BigInt(2 * CHUNK + 5);
    for (const id of [far, 3n, BigInt(CHUNK), 0n]) live.add(1n, id);
    live.add(1n, 3n);
    live.add(2n, 3n);
    expect(live.ids(1n, 0, 10, far + 1n)).toEqual([0n, 3n, BigInt(CHUNK), far]);
    expect(live.ids(1n, 1, 2, far + 1n)).toEqual([3n, BigInt(CHUNK)]);
    expect(live.ids(1n, 4, 2, far + 1n)).toEqual([]);
    expect([live.count(1n), live.count(2n), live.count(3n)]).toEqual([4, 1, 0]);
    live.delete(1n, 3n);
    live.delete(1n, 3n);
    live.delete(3n, 7n);
    expect(live.ids(1n, 0, 10, far + 1n)).toEqual([0n, BigInt(CHUNK), far]);
    expect([live.count(1n), live.count(3n)]).toEqual([3, 0]);
    live.adjustTotal(2);
    live.adjustTotal(-1);
    expect(live.total).toBe(1);
  });
});
