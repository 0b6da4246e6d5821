// The models list kept a minute: a request within the minute loads nothing, the first after it reloads, requests
// arriving while one reloads are answered with the older list rather than each loading, and a failed load keeps
// the older list for the next request to try again.
import { describe, expect, it } from 'vitest';

import { MODELS_MAX_AGE_NS, ModelsCache, type ModelsList } from '../../../canisters/api/models_cache';
import type { ModelObject } from '../../../canisters/api/models_view';

const T0 = 1_000_000_000_000n;
const listOf = (...ids: string[]): ModelsList => ({ models: ids.map((id) => ({ id }) as ModelObject), complete: true });
const idsOf = (got: { Ok: ModelsList } | { Err: string }) => ('Ok' in got ? got.Ok.models.map((m) => m.id) : got.Err);

function loader(...lists: ({ Ok: ModelsList } | { Err: string })[]) {
  const load = async () => {
    load.calls += 1;
    return lists[Math.min(load.calls, lists.length) - 1];
  };
  load.calls = 0;
  return load;
}

describe('the models cache', () => {
  it('loads once within the minute and again once it has passed', async () => {
    const cache = new ModelsCache();
    const load = loader({ Ok: listOf('0') }, { Ok: listOf('0', '1') });
    expect(idsOf(await cache.get(T0, load))).toEqual(['0']);
    expect(idsOf(await cache.get(T0 + MODELS_MAX_AGE_NS - 1n, load))).toEqual(['0']);
    expect(load.calls).toBe(1);
    expect(idsOf(await cache.get(T0 + MODELS_MAX_AGE_NS, load))).toEqual(['0', '1']);
    expect(load.calls).toBe(2);
  });

  it('answers with the older list while another request reloads it', async () => {
    const cache = new ModelsCache();
    await cache.get(T0, loader({ Ok: listOf('0') }));
    let finish: (value: { Ok: ModelsList }) => void = () => undefined;
    const slow = new Promise<{ Ok: ModelsList }>((resolve) => (finish = resolve));
    const later = T0 + MODELS_MAX_AGE_NS;
    const reloading = cache.get<string>(later, () => slow);
    const others = loader({ Ok: listOf('never') });
    expect(idsOf(await cache.get(later, others))).toEqual(['0']);
    expect(others.calls).toBe(0);
    finish({ Ok: listOf('0', '1') });
    expect(idsOf(await reloading)).toEqual(['0', '1']);
    expect(idsOf(await cache.get(later + 1n, others))).toEqual(['0', '1']);
  });

  it('keeps the older list when a reload fails, and the next request tries again', async () => {
    const cache = new ModelsCache();
    await cache.get(T0, loader({ Ok: listOf('0') }));
    const later = T0 + MODELS_MAX_AGE_NS;
    expect(await cache.get(later, loader({ Err: 'registry down' }))).toEqual({ Err: 'registry down' });
    const retry = loader({ Ok: listOf('1') });
    expect(idsOf(await cache.get(later, retry))).toEqual(['1']);
    expect(retry.calls).toBe(1);
  });
});
