import { describe, expect, it } from 'vitest';

import { decodeEntry, encodeEntry, entryOf } from '../../../canisters/model_registry/catalog';
import { Registry } from '../../../canisters/model_registry/registry';
import { MAX_MODELS_PER_CREATOR, MAX_PAGE_LIMIT } from '../../../canisters/model_registry/validation';
import type { Model } from '../../../canisters/shared/models';
import { ANY, randomUser, request, setup } from './fixtures';

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err)}`);
  return result.Ok;
}

describe('publishing', () => {
  it('stores the request with a dense id, the caller as creator and the time', () => {
    const { registry } = setup();
    const alice = randomUser();
    const first = ok(registry.publish(alice, 5n, request()));
    expect(first).toMatchObject({ id: 0n, name: 'llama-tiny', version: '1.0.0', creator: alice, published_at: 5n, royalty_bps: 500 });
    expect(ok(registry.publish(alice, 6n, request({ version: '1.0.1' }))).id).toBe(1n);
    expect(ok(registry.get(0n))).toEqual(first);
  });

  it('refuses an invalid field and stores nothing', () => {
    const { registry, models } = setup();
    expect(registry.publish(randomUser(), 0n, request({ sha256: new Uint8Array(20) }))).toEqual({
      Err: { InvalidInput: 'sha256: must be 32 bytes, got 20' },
    });
    expect(models.map.size).toBe(0);
  });

  it('keeps a published version immutable: the same name and version again is AlreadyExists', () => {
    const { registry, models } = setup();
    const alice = randomUser();
    ok(registry.publish(alice, 0n, request()));
    expect(registry.publish(alice, 1n, request({ size_bytes: 2n, license: 'MIT' }))).toEqual({ Err: { AlreadyExists: { id: 0n } } });
    // Names compare without case, versions exactly.
    expect(registry.publish(alice, 1n, request({ name: 'LLAMA-tiny' }))).toEqual({ Err: { AlreadyExists: { id: 0n } } });
    expect(ok(registry.publish(alice, 1n, request({ version: '1.0.0-q8' }))).id).toBe(1n);
    expect(models.map.get(0n)?.size_bytes).toBe(1_000_000n);
  });

  it('lets only the first publisher of a name add versions to it', () => {
    const { registry } = setup();
    const [alice, mallory] = [randomUser(), randomUser()];
    ok(registry.publish(alice, 0n, request()));
    const refused = registry.publish(mallory, 1n, request({ name: 'Llama-Tiny', version: '9.9.9' }));
    expect(refused).toEqual({ Err: { Unauthorized: `the name Llama-Tiny belongs to ${alice.toText()}` } });
    expect(ok(registry.latest('llama-tiny')).version).toBe('1.0.0');
  });

  it('caps the models a creator publishes, every version counting, and stores nothing past the cap', () => {
    const { registry, models } = setup();
    const [alice, bob] = [randomUser(), randomUser()];
    for (let i = 0; i < MAX_MODELS_PER_CREATOR; i++) ok(registry.publish(alice, 0n, request({ version: `1.0.${i}` })));
    expect(registry.publish(alice, 1n, request({ name: 'another' }))).toEqual({
      Err: { InvalidInput: `a creator publishes at most ${MAX_MODELS_PER_CREATOR} models (every version counts)` },
    });
    expect(models.map.size).toBe(MAX_MODELS_PER_CREATOR);
    // Another creator is not held to alice's count.
    expect(ok(registry.publish(bob, 1n, request({ name: 'another' }))).creator).toBe(bob);
  });

  it('caps the royalty: equal to the cap passes, above it is RoyaltyAboveCap', () => {
    const { registry } = setup(1_000);
    expect(ok(registry.publish(randomUser(), 0n, request({ name: 'a', royalty_bps: 1_000 }))).royalty_bps).toBe(1_000);
    expect(registry.publish(randomUser(), 0n, request({ name: 'b', royalty_bps: 1_001 }))).toEqual({
      Err: { RoyaltyAboveCap: { cap: 1_000 } },
    });
    expect(ok(registry.publish(randomUser(), 0n, request({ name: 'c', royalty_bps: 0 }))).royalty_bps).toBe(0);
  });

  it('deduplicates the allow list it stores', () => {
    const { registry } = setup();
    const bob = randomUser();
    const model = ok(registry.publish(randomUser(), 0n, request({ access: { allow_list: [bob, bob] } })));
    expect(model.access).toEqual({ allow_list: [bob] });
  });
});

describe('the royalty cap', () => {
  it('is set by the admin only, up to 10,000 bps, and binds later publications only', () => {
    const { registry, admin } = setup(1_000);
    const alice = randomUser();
    ok(registry.publish(alice, 0n, request({ royalty_bps: 900 })));

    expect(registry.setRoyaltyCap(alice, 2_000)).toEqual({ Err: { Unauthorized: 'only the admin may set the royalty cap' } });
    expect(registry.setRoyaltyCap(admin, 10_001)).toEqual({ Err: { InvalidInput: 'royalty cap: at most 10000 bps' } });
    expect(registry.getSettings().royalty_cap_bps).toBe(1_000);

    expect(ok(registry.setRoyaltyCap(admin, 100))).toEqual({ admin, royalty_cap_bps: 100 });
    expect(ok(registry.get(0n)).royalty_bps).toBe(900);
    expect(registry.publish(alice, 1n, request({ version: '2' }))).toEqual({ Err: { RoyaltyAboveCap: { cap: 100 } } });
  });
});

describe('access', () => {
  it('lets anyone use a public model and only the creator and the allow list use a restricted one', () => {
    const { registry } = setup();
    const [alice, bob, carol] = [randomUser(), randomUser(), randomUser()];
    ok(registry.publish(alice, 0n, request({ name: 'open' })));
    ok(registry.publish(alice, 0n, request({ name: 'closed', access: { allow_list: [bob] } })));
    expect(registry.canUse(0n, carol)).toBe(true);
    expect(registry.canUse(1n, alice)).toBe(true);
    expect(registry.canUse(1n, bob)).toBe(true);
    expect(registry.canUse(1n, carol)).toBe(false);
    expect(registry.canUse(2n, alice)).toBe(false);
  });

  it('is changed by the creator only, leaving the immutable fields alone', () => {
    const { registry } = setup();
    const [alice, bob] = [randomUser(), randomUser()];
    const before = ok(registry.publish(alice, 0n, request()));

    expect(registry.setAccess(bob, 0n, { allow_list: [bob] })).toEqual({ Err: { Unauthorized: 'only the creator may change access' } });
    expect(registry.setAccess(alice, 7n, { public: null })).toEqual({ Err: { NotFound: null } });
    expect(registry.setAccess(alice, 0n, { allow_list: [bob, bob] })).toEqual({ Ok: { ...before, access: { allow_list: [bob] } } });
    expect(registry.canUse(0n, randomUser())).toBe(false);
    expect(registry.canUse(0n, bob)).toBe(true);
    expect(registry.setAccess(alice, 0n, { allow_list: Array.from({ length: 501 }, randomUser) })).toMatchObject({
      Err: { InvalidInput: expect.stringMatching(/^access:/) },
    });
    expect(ok(registry.setAccess(alice, 0n, { public: null })).access).toEqual({ public: null });
  });
});

describe('reads', () => {
  it('answers NotFound for unknown ids and names', () => {
    const { registry } = setup();
    expect(registry.get(0n)).toEqual({ Err: { NotFound: null } });
    expect(registry.latest('nothing')).toEqual({ Err: { NotFound: null } });
  });

  it('names the version published last as the latest, whatever its label', () => {
    const { registry } = setup();
    const alice = randomUser();
    ok(registry.publish(alice, 0n, request({ version: '2.0.0' })));
    ok(registry.publish(alice, 1n, request({ version: '1.0.1' })));
    ok(registry.publish(alice, 2n, request({ name: 'other-model', version: '9' })));
    expect(ok(registry.latest('LLAMA-TINY'))).toMatchObject({ id: 1n, version: '1.0.1' });
  });

  it('rebuilds its index from the store, as after an upgrade', () => {
    const { registry, models, settings } = setup();
    const alice = randomUser();
    ok(registry.publish(alice, 0n, request()));
    ok(registry.publish(alice, 0n, request({ name: 'e5', task: { embedding: null }, format: { onnx: null } })));

    const again = new Registry(models, settings);
    expect(again.publish(randomUser(), 1n, request({ version: '3' }))).toMatchObject({ Err: { Unauthorized: expect.any(String) } });
    expect(again.publish(alice, 1n, request())).toEqual({ Err: { AlreadyExists: { id: 0n } } });
    expect(ok(again.search({ ...ANY, task: [{ embedding: null }] }, { offset: 0, limit: 10 })).items.map((m) => m.name)).toEqual(['e5']);
    expect(ok(again.publish(alice, 1n, request({ version: '3' }))).id).toBe(2n);
  });
});

describe('search and paging', () => {
  function catalog() {
    const { registry } = setup();
    const [alice, bob] = [randomUser(), randomUser()];
    const publish = (creator: typeof alice, name: string, extra = {}) => ok(registry.publish(creator, 0n, request({ name, ...extra })));
    publish(alice, 'llama-small');
    publish(alice, 'llama-large', { format: { onnx: null } });
    publish(bob, 'e5-small', { task: { embedding: null }, format: { onnx: null } });
    publish(bob, 'whisper', { task: { speech_to_text: null } });
    publish(bob, 'reranker', { task: { other: 'Reranking' }, format: { other: 'safetensors' } });
    publish(alice, 'mistral');
    return { registry, alice, bob };
  }
  const names = (models: Model[]) => models.map((m) => m.name);

  it('lists everything in publishing order with the total', () => {
    const { registry } = catalog();
    const page = ok(registry.search(ANY, { offset: 0, limit: 100 }));
    expect(page.total).toBe(6n);
    expect(names(page.items)).toEqual(['llama-small', 'llama-large', 'e5-small', 'whisper', 'reranker', 'mistral']);
  });

  it('pages: offset and limit slice, past the end is empty, limit 0 counts only, above the max is refused', () => {
    const { registry } = catalog();
    expect(names(ok(registry.search(ANY, { offset: 2, limit: 3 })).items)).toEqual(['e5-small', 'whisper', 'reranker']);
    expect(names(ok(registry.search(ANY, { offset: 5, limit: 3 })).items)).toEqual(['mistral']);
    expect(ok(registry.search(ANY, { offset: 6, limit: 3 }))).toEqual({ items: [], total: 6n });
    expect(ok(registry.search(ANY, { offset: 2 ** 32 - 1, limit: 3 }))).toEqual({ items: [], total: 6n });
    expect(ok(registry.search(ANY, { offset: 0, limit: 0 }))).toEqual({ items: [], total: 6n });
    expect(registry.search(ANY, { offset: 0, limit: MAX_PAGE_LIMIT + 1 })).toEqual({
      Err: { InvalidInput: `limit: at most ${MAX_PAGE_LIMIT}` },
    });
  });

  it('filters by task, format, creator and name fragment, alone and together', () => {
    const { registry, alice, bob } = catalog();
    const search = (filter: Partial<typeof ANY>, page = { offset: 0, limit: 100 }) => ok(registry.search({ ...ANY, ...filter }, page));
    expect(names(search({ task: [{ text_generation: null }] }).items)).toEqual(['llama-small', 'llama-large', 'mistral']);
    expect(names(search({ task: [{ other: 'reranking' }] }).items)).toEqual(['reranker']);
    expect(names(search({ task: [{ image_generation: null }] }).items)).toEqual([]);
    expect(names(search({ format: [{ onnx: null }] }).items)).toEqual(['llama-large', 'e5-small']);
    expect(names(search({ format: [{ other: 'SafeTensors' }] }).items)).toEqual(['reranker']);
    expect(names(search({ creator: [bob] }).items)).toEqual(['e5-small', 'whisper', 'reranker']);
    expect(names(search({ creator: [randomUser()] }).items)).toEqual([]);
    expect(names(search({ name_contains: ['SMALL'] }).items)).toEqual(['llama-small', 'e5-small']);
    expect(names(search({ name_contains: [''] }).items)).toHaveLength(6);
    expect(names(search({ creator: [alice], format: [{ gguf: null }], name_contains: ['llama'] }).items)).toEqual(['llama-small']);

    const paged = search({ creator: [alice] }, { offset: 1, limit: 1 });
    expect(paged.total).toBe(3n);
    expect(names(paged.items)).toEqual(['llama-large']);
  });
});

describe('catalog entries', () => {
  it('round-trip through their stored bytes, other labels lowercased', () => {
    const creator = randomUser();
    const model: Model = {
      ...request({ name: 'Org/Model-X', version: '1.0.0+b', task: { other: 'ReRank' }, format: { onnx: null } }),
      id: 42n,
      creator,
      published_at: 1n,
    };
    const entry = entryOf(model);
    expect(entry).toEqual({
      id: 42n,
      name: 'org/model-x',
      version: '1.0.0+b',
      task: 'other:rerank',
      format: 'onnx',
      creator: creator.toText(),
    });
    expect(decodeEntry(42n, encodeEntry(entry))).toEqual(entry);
  });
});
