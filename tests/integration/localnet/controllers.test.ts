// Only a canister's controllers may manage it: everyone else gets CANISTER_ERROR (5), IC0512, and the
// canister stays as it was.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { decode, encode, idlFactory, PROBE_WASM, type Probe, type ProbeService, randomUser, rejection, setupProbe } from './probe.js';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
// The part of canister_status's reply these tests read (candid lets a reader skip the other fields).
const StatusPart = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  cycles: IDL.Nat,
});

const owner = randomUser();
const stranger = randomUser();

let network: LocalNetwork;
let probe: Probe;

function expectNotController(reject: { code: number; errorCode?: string; message: string }, caller: Principal): void {
  expect(reject.code).toBe(5);
  expect(reject.errorCode).toBe('IC0512');
  expect(reject.message).toContain(probe.canisterId.toText());
  expect(reject.message).toContain(caller.toText());
}

beforeAll(async () => {
  network = await LocalNetwork.create();
  probe = await setupProbe(network, { sender: owner });
  await probe.actor.put('owned', 'by the owner');
});

afterAll(async () => {
  await network?.stop();
});

describe('a canister set up by a user', () => {
  it('has that user as its only controller', async () => {
    const status = await network.canisterStatus(probe.canisterId, owner);
    expect(status.settings.controllers.map((p) => p.toText())).toEqual([owner.toText()]);
    expect((await network.getControllers(probe.canisterId)).map((p) => p.toText())).toEqual([owner.toText()]);
  });

  it('tells the canister who its controller is', async () => {
    const actor = network.createActor<ProbeService>(idlFactory, probe.canisterId);
    actor.setPrincipal(owner);
    expect(await actor.caller_is_controller()).toBe(true);
    actor.setPrincipal(stranger);
    expect(await actor.caller_is_controller()).toBe(false);
  });
});

describe('a non-controller', () => {
  it('cannot read the canister status', async () => {
    expectNotController(await rejection(network.canisterStatus(probe.canisterId, stranger)), stranger);
  });

  it('cannot stop the canister, which keeps running', async () => {
    expectNotController(await rejection(network.stopCanister(probe.canisterId, stranger)), stranger);
    expect((await network.canisterStatus(probe.canisterId, owner)).status).toEqual({ running: null });
  });

  it('cannot upgrade or reinstall the code, which keeps its data', async () => {
    expectNotController(
      await rejection(network.upgradeCanister({ canisterId: probe.canisterId, wasm: PROBE_WASM, sender: stranger })),
      stranger,
    );
    expectNotController(
      await rejection(network.reinstallCode({ canisterId: probe.canisterId, wasm: PROBE_WASM, sender: stranger })),
      stranger,
    );
    expect(await probe.actor.lookup('owned')).toEqual(['by the owner']);
    expect(await probe.actor.upgrades()).toBe(0n);
  });

  it('cannot install code into an empty canister it does not control', async () => {
    const empty = await network.createCanister({ sender: owner });
    expect(await rejection(network.installCode({ canisterId: empty, wasm: PROBE_WASM, sender: stranger }))).toMatchObject({
      code: 5,
      errorCode: 'IC0512',
    });
    expect((await network.canisterStatus(empty, owner)).module_hash).toEqual([]);
  });

  it('cannot change the controllers, which stay as they were', async () => {
    expectNotController(await rejection(network.updateCanisterSettings(probe.canisterId, [stranger], stranger)), stranger);
    expect((await network.getControllers(probe.canisterId)).map((p) => p.toText())).toEqual([owner.toText()]);
  });

  it('cannot delete the canister', async () => {
    expectNotController(await rejection(network.deleteCanister(probe.canisterId, stranger)), stranger);
    expect(await probe.actor.lookup('owned')).toEqual(['by the owner']);
  });

  it('includes the anonymous principal', async () => {
    expectNotController(await rejection(network.canisterStatus(probe.canisterId)), Principal.anonymous());
  });

  it('includes another canister, unless it is a controller', async () => {
    const other = await setupProbe(network);
    const arg = encode([CanisterIdRecord], [{ canister_id: probe.canisterId }]);
    const result = await other.actor.call_raw(MANAGEMENT, 'canister_status', arg);
    expect('Err' in result && result.Err.code).toBe(5);
    expect((result as { Err: { message: string } }).Err.message).toContain(other.canisterId.toText());
  });
});

describe('the controller', () => {
  it('can read the status', async () => {
    const status = await network.canisterStatus(probe.canisterId, owner);
    expect(status.status).toEqual({ running: null });
    expect(status.cycles).toBe(await network.getCyclesBalance(probe.canisterId));
  });

  it('can stop and start the canister', async () => {
    await network.stopCanister(probe.canisterId, owner);
    expect((await network.canisterStatus(probe.canisterId, owner)).status).toEqual({ stopped: null });
    await network.startCanister(probe.canisterId, owner);
    expect((await network.canisterStatus(probe.canisterId, owner)).status).toEqual({ running: null });
  });

  it('can upgrade the code', async () => {
    await network.upgradeCanister({ canisterId: probe.canisterId, wasm: PROBE_WASM, sender: owner });
    expect(await probe.actor.upgrades()).toBe(1n);
    expect(await probe.actor.lookup('owned')).toEqual(['by the owner']);
  });

  it('can add a controller, who then may manage the canister too', async () => {
    await network.updateCanisterSettings(probe.canisterId, [owner, stranger], owner);
    const status = await network.canisterStatus(probe.canisterId, stranger);
    expect(status.settings.controllers.map((p) => p.toText()).sort()).toEqual([owner.toText(), stranger.toText()].sort());
    const actor = network.createActor<ProbeService>(idlFactory, probe.canisterId);
    actor.setPrincipal(stranger);
    expect(await actor.caller_is_controller()).toBe(true);
  });

  it('can hand the canister over and so lose control of it', async () => {
    await network.updateCanisterSettings(probe.canisterId, [stranger], owner);
    expectNotController(await rejection(network.canisterStatus(probe.canisterId, owner)), owner);
    expect((await network.canisterStatus(probe.canisterId, stranger)).settings.controllers.map((p) => p.toText())).toEqual([
      stranger.toText(),
    ]);
  });

  it('may be a canister, which can then manage the other canister', async () => {
    const manager = await setupProbe(network);
    await network.updateCanisterSettings(probe.canisterId, [stranger, manager.canisterId], stranger);
    const arg = encode([CanisterIdRecord], [{ canister_id: probe.canisterId }]);
    const result = await manager.actor.call_raw(MANAGEMENT, 'canister_status', arg);
    expect('Ok' in result).toBe(true);
    const [status] = decode([StatusPart], (result as { Ok: Uint8Array }).Ok) as [{ status: object; cycles: bigint }];
    expect(status.status).toEqual({ running: null });
    expect(status.cycles).toBe(await network.getCyclesBalance(probe.canisterId));
  });
});
