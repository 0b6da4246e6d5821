// The model registry's real Wasm on the local network: publishing, the guards on each update, paging and upgrades.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import type { PublishRequest, SearchFilter } from '../../../canisters/model_registry/types';
import { MAX_MODELS_PER_CREATOR } from '../../../canisters/model_registry/validation';
import { randomUser, rejection } from '../localnet/probe';
import { REGISTRY_WASM, setupRegistry } from './client';

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

function request(overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    name: 'llama-tiny',
    version: '1.0.0',
    task: { text_generation: null },
    format: { gguf: null },
    sha256: new Uint8Array(32).map((_, i) => i),
    size_bytes: 123_456_789n,
    license: 'apache-2.0',
    royalty_bps: 500,
    access: { public: null },
    ...overrides,
  };
}

const ANY: SearchFilter = { task: [], format: [], creator: [], name_contains: [] };

describe('model_registry', () => {
  let network: LocalNetwork;
  const deployer = randomUser();
  const [alice, bob] = [randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  it('publishes a model and reads it back by id and as the latest version', async () => {
    const { actor } = await setupRegistry(network, deployer);
    expect(await actor.version()).toBe('model_registry 0.1.0');
    actor.setPrincipal(alice);
    const model = ok(await actor.publish(request()));
    expect(model).toMatchObject({ id: 0n, name: 'llama-tiny', creator: alice, royalty_bps: 500, size_bytes: 123_456_789n });
    expect(Array.from(model.sha256)).toEqual(Array.from(request().sha256));
    expect(model.published_at).toBeGreaterThan(0n);

    expect(ok(await actor.get(0n))).toEqual(model);
    ok(await actor.publish(request({ version: '1.1.0' })));
    expect(ok(await actor.latest('llama-tiny')).version).toBe('1.1.0');
    expect(await actor.get(9n)).toEqual({ Err: { NotFound: null } });
  });

  it('refuses a duplicate version, another creator on the name, bad input and an anonymous publisher', async () => {
    const { actor } = await setupRegistry(network, deployer);
    actor.setPrincipal(alice);
    ok(await actor.publish(request()));
    expect(await actor.publish(request({ license: 'MIT' }))).toEqual({ Err: { AlreadyExists: { id: 0n } } });
    expect(await actor.publish(request({ sha256: new Uint8Array(31) }))).toEqual({
      Err: { InvalidInput: 'sha256: must be 32 bytes, got 31' },
    });
    expect(await actor.publish(request({ version: '2', royalty_bps: 1_001 }))).toEqual({ Err: { RoyaltyAboveCap: { cap: 1_000 } } });

    actor.setPrincipal(bob);
    expect(await actor.publish(request({ version: '2' }))).toEqual({
      Err: { Unauthorized: `the name llama-tiny belongs to ${alice.toText()}` },
    });

    actor.setPrincipal(Principal.anonymous());
    // canister_inspect_message refuses it before induction.
    expect(await rejection(actor.publish(request({ name: 'anon' })))).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(ok(await actor.list({ offset: 0, limit: 10 })).total).toBe(1n);
  });

  it('caps the models one creator publishes, also across an upgrade, and leaves other creators alone', async () => {
    const { actor, canisterId } = await setupRegistry(network, deployer);
    actor.setPrincipal(alice);
    for (let i = 0; i < MAX_MODELS_PER_CREATOR; i++) ok(await actor.publish(request({ version: `1.0.${i}` })));
    const refusal = { Err: { InvalidInput: `a creator publishes at most ${MAX_MODELS_PER_CREATOR} models (every version counts)` } };
    expect(await actor.publish(request({ name: 'one-more' }))).toEqual(refusal);
    // The count is rebuilt from stable memory after an upgrade.
    await network.upgradeCanister({ canisterId, wasm: REGISTRY_WASM, sender: deployer });
    expect(await actor.publish(request({ name: 'one-more' }))).toEqual(refusal);
    expect(ok(await actor.list({ offset: 0, limit: 0 })).total).toBe(BigInt(MAX_MODELS_PER_CREATOR));
    actor.setPrincipal(bob);
    expect(ok(await actor.publish(request({ name: 'one-more' }))).creator).toEqual(bob);
  });

  it('lets only the admin set the royalty cap', async () => {
    const admin = randomUser();
    const { actor } = await setupRegistry(network, deployer, { admin: [admin], royalty_cap_bps: [300], marketplace: [] });
    expect(await actor.settings()).toEqual({ admin, royalty_cap_bps: 300 });

    for (const caller of [alice, deployer]) {
      actor.setPrincipal(caller);
      expect(await actor.set_royalty_cap(2_000)).toEqual({ Err: { Unauthorized: 'only the admin may set the royalty cap' } });
    }
    actor.setPrincipal(admin);
    expect(await actor.set_royalty_cap(10_001)).toEqual({ Err: { InvalidInput: 'royalty cap: at most 10000 bps' } });
    expect(ok(await actor.set_royalty_cap(2_000))).toEqual({ admin, royalty_cap_bps: 2_000 });
    actor.setPrincipal(alice);
    expect(ok(await actor.publish(request({ royalty_bps: 2_000 }))).royalty_bps).toBe(2_000);
  });

  it('makes the installer the admin when the install passes no argument', async () => {
    const { actor } = await setupRegistry(network, deployer);
    expect(await actor.settings()).toEqual({ admin: deployer, royalty_cap_bps: 1_000 });
  });

  it('refuses to install with a royalty cap above 10,000 bps', async () => {
    const refused = await rejection(setupRegistry(network, deployer, { admin: [], royalty_cap_bps: [10_001], marketplace: [] }));
    expect(refused.message).toContain('royalty cap: at most 10000 bps');
  });

  it('lets only the creator change who may use a model', async () => {
    const { actor } = await setupRegistry(network, deployer);
    actor.setPrincipal(alice);
    const model = ok(await actor.publish(request({ access: { allow_list: [bob] } })));
    expect(await actor.can_use(model.id, bob)).toBe(true);
    expect(await actor.can_use(model.id, deployer)).toBe(false);
    expect(await actor.can_use(model.id, alice)).toBe(true);

    actor.setPrincipal(bob);
    expect(await actor.set_access(model.id, { public: null })).toEqual({ Err: { Unauthorized: 'only the creator may change access' } });
    actor.setPrincipal(alice);
    expect(ok(await actor.set_access(model.id, { allow_list: [deployer] }))).toEqual({ ...model, access: { allow_list: [deployer] } });
    expect(await actor.can_use(model.id, bob)).toBe(false);
    expect(await actor.can_use(model.id, deployer)).toBe(true);
    expect(await actor.can_use(99n, alice)).toBe(false);
  });

  it('lists and searches with paging, and keeps every model and setting across an upgrade', async () => {
    const admin = randomUser();
    const { actor, canisterId } = await setupRegistry(network, deployer, { admin: [admin], royalty_cap_bps: [], marketplace: [] });
    actor.setPrincipal(alice);
    for (let i = 0; i < 12; i++) ok(await actor.publish(request({ name: `gen-${i}`, version: '1' })));
    actor.setPrincipal(bob);
    for (let i = 0; i < 3; i++) {
      ok(
        await actor.publish(
          request({ name: `embed-${i}`, task: { embedding: null }, format: { onnx: null }, access: { allow_list: [alice] } }),
        ),
      );
    }
    actor.setPrincipal(admin);
    ok(await actor.set_royalty_cap(700));

    const snapshot = async () => ({
      all: ok(await actor.list({ offset: 0, limit: 100 })),
      page: ok(await actor.list({ offset: 10, limit: 4 })),
      embeddings: ok(await actor.search({ ...ANY, task: [{ embedding: null }] }, { offset: 1, limit: 10 })),
      byAlice: ok(await actor.search({ ...ANY, creator: [alice], name_contains: ['GEN-1'] }, { offset: 0, limit: 2 })),
      settings: await actor.settings(),
      canUse: [await actor.can_use(13n, alice), await actor.can_use(13n, admin)],
    });
    const before = await snapshot();
    expect(before.all.total).toBe(15n);
    expect(before.page.items.map((m) => m.name)).toEqual(['gen-10', 'gen-11', 'embed-0', 'embed-1']);
    expect(before.embeddings).toMatchObject({ total: 3n, items: [{ name: 'embed-1' }, { name: 'embed-2' }] });
    expect(before.byAlice.total).toBe(3n); // gen-1, gen-10, gen-11
    expect(before.byAlice.items.map((m) => m.name)).toEqual(['gen-1', 'gen-10']);
    expect(await actor.list({ offset: 0, limit: 101 })).toEqual({ Err: { InvalidInput: 'limit: at most 100' } });

    await network.upgradeCanister({ canisterId, wasm: REGISTRY_WASM, sender: deployer });

    expect(await snapshot()).toEqual(before);
    // The rebuilt index still guards names and versions, and ids continue where they stopped.
    actor.setPrincipal(bob);
    expect(await actor.publish(request({ name: 'gen-0', version: '2' }))).toMatchObject({ Err: { Unauthorized: expect.any(String) } });
    actor.setPrincipal(alice);
    expect(await actor.publish(request({ name: 'gen-0', version: '1' }))).toEqual({ Err: { AlreadyExists: { id: 0n } } });
    expect(ok(await actor.publish(request({ name: 'gen-0', version: '2', royalty_bps: 700 }))).id).toBe(15n);
    expect(ok(await actor.latest('gen-0')).id).toBe(15n);
  });
});
