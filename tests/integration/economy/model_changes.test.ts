// The marketplace keeps the models its jobs name instead of asking the registry on every job; a creator who changes
// a model's access must still be obeyed at the next job. The registry tells the marketplace before set_access
// replies, and from its timer when the marketplace was unreachable.
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminResult } from '../../../canisters/marketplace/types';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { decode, encode, randomUser, setupProbe } from '../localnet/probe';
import { deployEconomy, errName, jobRequest, ok, publishModel, type Economy } from './deploy';

describe('a model whose access changes while the marketplace keeps it', () => {
  let network: LocalNetwork;
  let e: Economy;
  const [deployer, creator, consumer] = [randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
  });
  afterAll(() => network?.stop());

  // The model has no offers: a consumer it allows gets past the model check to NoMatch, one it does not is refused.
  async function submitted(model: bigint): Promise<string> {
    e.marketplace.setPrincipal(consumer);
    return errName(await e.marketplace.submit_job(jobRequest(model)));
  }

  async function setAccess(model: bigint, allowed: boolean) {
    e.registry.setPrincipal(creator);
    return e.registry.set_access(model, { allow_list: allowed ? [consumer] : [] });
  }

  it('is named at deployment as the marketplace the registry tells', async () => {
    expect(await e.registry.marketplace()).toEqual([e.ids.marketplace]);
  });

  it('refuses a consumer at the next job once the creator takes them off the allow list', async () => {
    const model = (await publishModel(e, creator, 'closing-llama', 0, { allow_list: [consumer] })).id;
    expect(await submitted(model)).toBe('NoMatch');
    expect(await submitted(model)).toBe('NoMatch');
    ok(await setAccess(model, false));
    expect(await submitted(model)).toBe('ModelNotAllowed');
    ok(await setAccess(model, true));
    expect(await submitted(model)).toBe('NoMatch');
  });

  it('tells a marketplace that was stopped from the timer once it runs again', async () => {
    const model = (await publishModel(e, creator, 'stopped-llama', 0, { allow_list: [consumer] })).id;
    expect(await submitted(model)).toBe('NoMatch');
    await network.stopCanister(e.ids.marketplace, deployer);
    // The access changes all the same: the marketplace's copy is stale until it hears of it.
    ok(await setAccess(model, false));
    await network.startCanister(e.ids.marketplace, deployer);
    expect(await submitted(model)).toBe('NoMatch');
    await network.advanceTime(31_000);
    await network.tick(3);
    expect(await submitted(model)).toBe('ModelNotAllowed');
  });

  it('takes the news only from its registry, and the registry takes its marketplace only from its admin', async () => {
    const stranger = randomUser();
    // A method only canisters call: a person's message is refused before it runs.
    e.marketplace.setPrincipal(stranger);
    await expect(e.marketplace.models_changed([1n])).rejects.toThrow('Canister rejected the message');
    // Another canister's call runs, and is refused.
    const probe = await setupProbe(network);
    const called = await probe.actor.call_raw(e.ids.marketplace, 'models_changed', encode([IDL.Vec(IDL.Nat64)], [[1n]]));
    if (!('Ok' in called)) throw new Error(`the call failed: ${called.Err.message}`);
    expect(Object.keys((decode([AdminResult(IDL.Null)], called.Ok)[0] as { Err: object }).Err)).toEqual(['Unauthorized']);
    e.registry.setPrincipal(stranger);
    expect(errName(await e.registry.set_marketplace([stranger]))).toBe('Unauthorized');
    expect(await e.registry.marketplace()).toEqual([e.ids.marketplace]);
  });
});
