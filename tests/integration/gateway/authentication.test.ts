// Every signature scheme the IC accepts, and delegation chains, through the stock agent: each
// identity's requests reach the canister as its own principal, in queries (node-signed replies)
// and in updates (certified replies).
import { Actor, HttpAgent, type Identity, pollForResponse, type SignIdentity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Probe, setupProbe } from '../localnet/probe.js';
import { agentFor, probeActor, type Served, serve } from './fixture.js';

/** whoami as the canister sees it in a query and in an update (a query method may be called as an update). */
async function seenAs(agent: HttpAgent, canisterId: Principal): Promise<{ query: string; update: string }> {
  const asUpdate = Actor.createActor<{ whoami(): Promise<Principal> }>(
    ({ IDL }) => IDL.Service({ whoami: IDL.Func([], [IDL.Principal], []) }),
    { agent, canisterId },
  );
  const query = await probeActor(agent, canisterId).whoami();
  const update = await asUpdate.whoami();
  return { query: query.toText(), update: update.toText() };
}

describe('authentication through the stock agent', () => {
  let served: Served;
  let probe: Probe;
  let other: Probe;

  beforeAll(async () => {
    served = await serve();
    probe = await setupProbe(served.network);
    other = await setupProbe(served.network);
  });
  afterAll(() => served.close());

  const schemes: [string, () => Promise<SignIdentity>][] = [
    ['Ed25519', async () => Ed25519KeyIdentity.generate()],
    ['ECDSA P-256 (WebCrypto)', () => ECDSAKeyIdentity.generate()],
    ['ECDSA secp256k1', async () => Secp256k1KeyIdentity.generate()],
  ];

  for (const [name, make] of schemes) {
    it(`accepts ${name} signatures: the canister sees the identity's principal`, async () => {
      const identity = await make();
      const agent = await agentFor(served.url, identity);
      const principal = identity.getPrincipal().toText();
      expect(await seenAs(agent, probe.canisterId)).toEqual({ query: principal, update: principal });
      // State changes are signed the same way.
      const actor = probeActor(agent, probe.canisterId);
      const before = await actor.get();
      expect(await actor.increment()).toBe(before + 1n);
    });
  }

  for (const [name, make] of schemes) {
    it(`accepts a delegation from a ${name} key: the canister sees the delegating principal`, async () => {
      const root = await make();
      const session = Ed25519KeyIdentity.generate();
      const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60 * 60 * 1000));
      const delegated = DelegationIdentity.fromDelegation(session, chain);
      expect(delegated.getPrincipal().toText()).toBe(root.getPrincipal().toText());
      const agent = await agentFor(served.url, delegated);
      const principal = root.getPrincipal().toText();
      expect(await seenAs(agent, probe.canisterId)).toEqual({ query: principal, update: principal });
    });
  }

  it('accepts a delegation restricted to the target canister, in queries, updates and polling', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60 * 60 * 1000), {
      targets: [probe.canisterId, other.canisterId],
    });
    const delegated = DelegationIdentity.fromDelegation(session, chain);
    const agent = await agentFor(served.url, delegated);
    const principal = root.getPrincipal().toText();
    expect(await seenAs(agent, probe.canisterId)).toEqual({ query: principal, update: principal });
    expect(await seenAs(agent, other.canisterId)).toEqual({ query: principal, update: principal });
    // The asynchronous endpoint and read_state polling accept the same delegation.
    const arg = new Uint8Array(IDL.encode([], []));
    const { requestId, response } = await agent.call(probe.canisterId, { methodName: 'whoami', arg, callSync: false });
    expect(response.status).toBe(202);
    const { reply } = await pollForResponse(agent, probe.canisterId, requestId);
    expect((IDL.decode([IDL.Principal], Uint8Array.from(reply))[0] as unknown as Principal).toText()).toBe(principal);
  });

  it('accepts a chain of two delegations (root -> intermediate -> session) with narrowing targets', async () => {
    const root = await ECDSAKeyIdentity.generate();
    const middle = Secp256k1KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const expiry = new Date(Date.now() + 60 * 60 * 1000);
    const first = await DelegationChain.create(root, middle.getPublicKey(), expiry, { targets: [probe.canisterId, other.canisterId] });
    const chain = await DelegationChain.create(middle, session.getPublicKey(), expiry, { previous: first, targets: [probe.canisterId] });
    expect(chain.delegations).toHaveLength(2);
    const agent = await agentFor(served.url, DelegationIdentity.fromDelegation(session, chain));
    const principal = root.getPrincipal().toText();
    expect(await seenAs(agent, probe.canisterId)).toEqual({ query: principal, update: principal });
  });

  it('accepts a chain of 20 delegations and refuses one of 21 with 400', async () => {
    const expiry = new Date(Date.now() + 60 * 60 * 1000);
    const keys = Array.from({ length: 22 }, () => Ed25519KeyIdentity.generate());
    let chain: DelegationChain | undefined;
    const chains: DelegationChain[] = [];
    for (let i = 0; i < 21; i++) {
      chain = await DelegationChain.create(keys[i], keys[i + 1].getPublicKey(), expiry, { previous: chain });
      chains.push(chain);
    }
    const principal = keys[0].getPrincipal().toText();
    const twenty = await agentFor(served.url, DelegationIdentity.fromDelegation(keys[20], chains[19]));
    expect((await probeActor(twenty, probe.canisterId).whoami()).toText()).toBe(principal);

    const identity = DelegationIdentity.fromDelegation(keys[21], chains[20]);
    const tooLong = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true, identity, retryTimes: 0 });
    await expect(probeActor(tooLong, probe.canisterId).increment()).rejects.toThrow(/400[\s\S]*at most 20 are allowed/);
  });

  it('gives each identity its own principal (no identity can pass for another)', async () => {
    const identities: Identity[] = [Ed25519KeyIdentity.generate(), Secp256k1KeyIdentity.generate(), await ECDSAKeyIdentity.generate()];
    const seen = await Promise.all(
      identities.map(async (identity) => (await probeActor(await agentFor(served.url, identity), probe.canisterId).whoami()).toText()),
    );
    expect(seen).toEqual(identities.map((i) => i.getPrincipal().toText()));
    expect(new Set(seen).size).toBe(3);
  });
});
