// The models kept for submissions: never older than the time-to-live, dropped when the registry says they changed,
// and a registry reply that may predate such news is not kept.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { MODEL_TTL_NS, ModelCache } from '../../../canisters/marketplace/model_cache';
import type { Model } from '../../../canisters/shared/models';

const model = (id: bigint): Model => ({ id, name: `m${id}`, creator: Principal.anonymous(), access: { public: null } }) as unknown as Model;

describe('the model cache', () => {
  it('keeps a model until its time-to-live ends', () => {
    const cache = new ModelCache();
    cache.keep(model(1n), 100n, cache.mark());
    expect(cache.get(1n, 100n + MODEL_TTL_NS - 1n)?.id).toBe(1n);
    expect(cache.get(1n, 100n + MODEL_TTL_NS)).toBeUndefined();
    expect(cache.get(1n, 100n)).toBeUndefined();
  });

  it('drops the models the registry names, and only those', () => {
    const cache = new ModelCache();
    for (const id of [1n, 2n]) cache.keep(model(id), 0n, cache.mark());
    cache.changed([1n, 9n]);
    expect(cache.get(1n, 0n)).toBeUndefined();
    expect(cache.get(2n, 0n)?.id).toBe(2n);
  });

  it('does not keep a reply asked for before news of a change arrived', () => {
    const cache = new ModelCache();
    const mark = cache.mark();
    cache.changed([1n]);
    cache.keep(model(1n), 0n, mark);
    expect(cache.get(1n, 0n)).toBeUndefined();
    cache.keep(model(1n), 0n, cache.mark());
    expect(cache.get(1n, 0n)?.id).toBe(1n);
  });

  it('starts over rather than grow past its bound', () => {
    const cache = new ModelCache();
    for (let id = 0n; id < 1_001n; id++) cache.keep(model(id), 0n, cache.mark());
    expect(cache.get(1_000n, 0n)?.id).toBe(1_000n);
    expect(cache.get(0n, 0n)).toBeUndefined();
  });
});
