// A network created with a state directory comes back after stop() with its canisters as they were:
// same ids, heap and stable memory, controllers, cycles, time and pending timers.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type Probe, type ProbeService, randomUser, rejection, setupProbe } from './probe.js';

const START = Date.UTC(2025, 5, 1);
const owner = randomUser();

let stateDir: string;
let network: LocalNetwork | undefined;
let probe: Probe;
let cyclesAtStop: bigint;
let timeAtStop: number;

function reopen(): Promise<LocalNetwork> {
  return LocalNetwork.create({ stateDir, time: START });
}

beforeAll(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'localnet-state-')), 'state');
  const first = await LocalNetwork.create({ stateDir, time: START });
  probe = await setupProbe(first, { sender: owner });
  await probe.actor.put('alpha', 'one');
  await probe.actor.put('beta', 'two');
  await probe.actor.increment();
  await probe.actor.increment();
  await probe.actor.schedule(60n, 'after the restart');
  await first.advanceTime(5000);
  await first.tick();
  cyclesAtStop = await first.getCyclesBalance(probe.canisterId);
  timeAtStop = await first.getTime();
  await first.stop();

  network = await reopen();
});

afterAll(async () => {
  await network?.stop();
  await rm(join(stateDir, '..'), { recursive: true, force: true });
});

function actor(): Probe['actor'] {
  return network!.createActor<ProbeService>(idlFactory, probe.canisterId);
}

describe('after a restart from the state directory', () => {
  it('the same canister id answers with its stable data', async () => {
    expect(await actor().lookup('alpha')).toEqual(['one']);
    expect(await actor().lookup('beta')).toEqual(['two']);
    expect(await actor().size()).toBe(2n);
  });

  it('the heap is as it was', async () => {
    expect(await actor().get()).toBe(2n);
    expect(await actor().fired()).toEqual([]);
  });

  it('cycles, controllers and time are as they were', async () => {
    expect(await network!.getCyclesBalance(probe.canisterId)).toBe(cyclesAtStop);
    expect((await network!.getControllers(probe.canisterId)).map((p) => p.toText())).toEqual([owner.toText()]);
    expect(await network!.getTime()).toBe(timeAtStop);
    expect(await actor().now()).toBe(BigInt(timeAtStop) * 1_000_000n);
  });

  it('a timer set before the stop fires when its time comes', async () => {
    await network!.advanceTime(30_000);
    await network!.tick();
    expect(await actor().fired()).toEqual([]);
    await network!.advanceTime(30_000);
    await network!.tick();
    expect(await actor().fired()).toEqual(['after the restart']);
  });

  it('new updates work and build on the old state', async () => {
    expect(await actor().increment()).toBe(3n);
    await actor().put('gamma', 'three');
    expect(await actor().size()).toBe(3n);
  });

  it('only the controller still manages the canister', async () => {
    expect(await rejection(network!.stopCanister(probe.canisterId))).toMatchObject({ code: 5, errorCode: 'IC0512' });
    expect((await network!.canisterStatus(probe.canisterId, owner)).status).toEqual({ running: null });
  });

  it('a new canister gets a fresh id, not one given out before the restart', async () => {
    const fresh = await setupProbe(network!);
    expect(fresh.canisterId.toText()).not.toBe(probe.canisterId.toText());
    expect(await fresh.actor.get()).toBe(0n);
  });

  it('a second restart keeps what was done after the first one', async () => {
    await network!.stop();
    network = await reopen();
    expect(await actor().get()).toBe(3n);
    expect(await actor().lookup('gamma')).toEqual(['three']);
    expect(await actor().fired()).toEqual(['after the restart']);
    expect(await actor().increment()).toBe(4n);
  });

  it('a trap after the restart still rolls back', async () => {
    await rejection(actor().put_then_trap('doomed', 'x'));
    expect(await actor().get()).toBe(4n);
    expect(await actor().lookup('doomed')).toEqual([]);
  });
});

describe('checkpoint', () => {
  it('writes the state without stopping, so a copy opened from it sees the same data', async () => {
    await actor().put('checkpointed', 'yes');
    await network!.checkpoint();
    expect(await actor().lookup('checkpointed')).toEqual(['yes']);

    const copyDir = `${stateDir}-copy`;
    await cp(stateDir, copyDir, { recursive: true });
    const copy = await LocalNetwork.create({ stateDir: copyDir });
    try {
      const copied = copy.createActor<ProbeService>(idlFactory, probe.canisterId);
      expect(await copied.lookup('checkpointed')).toEqual(['yes']);
      expect(await copied.get()).toBe(await actor().get());
    } finally {
      await copy.stop();
    }
  });

  it('is refused for a network without a state directory', async () => {
    const volatile = await LocalNetwork.create();
    await expect(volatile.checkpoint()).rejects.toThrow(/stateDir/);
    await volatile.stop();
  });
});
