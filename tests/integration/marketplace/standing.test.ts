// refresh_standing: the marketplace copies a provider's standing from the real identity canister.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { setupIdentity } from '../identity/client';
import { randomUser, rejection } from '../localnet/probe';
import { setupMarketplace } from './client';

describe('marketplace standings from identity', () => {
  let network: LocalNetwork;
  const deployer = randomUser();
  const alice = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  it('copies what identity says of a provider, and needs an identity peer', async () => {
    const identity = await setupIdentity(network, deployer);
    const { actor } = await setupMarketplace(network, deployer, {
      admin: [],
      identity: [identity.canisterId],
      payment: [],
      model_registry: [],
      analytics: [],
      bridge: [],
      config: [],
      api: [],
    });
    expect((await actor.settings()).peers.identity).toEqual([identity.canisterId]);
    const truth = await identity.actor.standing(alice);

    actor.setPrincipal(alice);
    const refreshed = await actor.refresh_standing(alice);
    expect(refreshed).toEqual({ Ok: { certified: truth.certified, stake: truth.bonded, reputation_bps: truth.reputation_bps } });
    expect(await actor.provider_standing(alice)).toEqual([(refreshed as { Ok: unknown }).Ok]);

    actor.setPrincipal(Principal.anonymous());
    // canister_inspect_message refuses anonymous ingress before induction.
    expect(await rejection(actor.refresh_standing(alice))).toMatchObject({ code: 4, errorCode: 'IC0406' });

    const { actor: alone } = await setupMarketplace(network, deployer);
    alone.setPrincipal(alice);
    expect(await alone.refresh_standing(alice)).toEqual({ Err: { NoIdentityPeer: null } });
  });
});
