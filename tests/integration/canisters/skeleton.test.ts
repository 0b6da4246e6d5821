// The canisters that are still skeletons, as built for deployment: each installs on the local network, names itself,
// and refuses state changes from the anonymous principal.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork, Reject } from '../../../src/localnet/index.js';

const CANISTERS = ['analytics'];

type Skeleton = { version(): Promise<string>; increment(): Promise<bigint>; get(): Promise<bigint> };
const idlFactory: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    increment: IDL.Func([], [IDL.Nat], []),
    get: IDL.Func([], [IDL.Nat], ['query']),
  });

describe('the skeleton canisters', () => {
  let network: LocalNetwork;
  const user = Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  it.each(CANISTERS)('%s installs, names its version and refuses anonymous updates', async (name) => {
    const { actor } = await network.setupCanister<Skeleton>({ wasm: `.azle/${name}/${name}.wasm`, idlFactory });
    expect(await actor.version()).toBe(`${name} 0.1.0`);

    const refused = await actor.increment().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Reject);
    expect((refused as Reject).code).toBe(5);
    expect((refused as Reject).message).toContain('anonymous callers cannot change state');
    expect(await actor.get()).toBe(0n);

    actor.setPrincipal(user);
    expect(await actor.increment()).toBe(1n);
    expect(await actor.get()).toBe(1n);
  });
});
