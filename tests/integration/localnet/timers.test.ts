// Time on the local network moves only when the test moves it; timers fire once their time has come and
// the network ticks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import type { Execution } from '../../../src/localnet/scheduler.js';
import { type Probe, setupProbe } from './probe.js';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);
const MS = 1_000_000n;

let network: LocalNetwork;
let probe: Probe;

beforeAll(async () => {
  network = await LocalNetwork.create({ time: START });
  probe = await setupProbe(network);
  await network.tick(); // azle's own init timer (seeding its randomness) runs here
});

afterAll(async () => {
  await network?.stop();
});

describe('time', () => {
  it('starts where the network was told to start and stands still on its own', async () => {
    expect(await network.getTime()).toBe(START);
    expect(await probe.actor.now()).toBe(BigInt(START) * MS);
    await network.tick();
    expect(await probe.actor.now()).toBe(BigInt(START) * MS);
  });

  it('moves by exactly what advanceTime adds, as the canister sees it', async () => {
    const before = await network.getTime();
    await network.advanceTime(1500);
    expect(await network.getTime()).toBe(before + 1500);
    expect(await probe.actor.now()).toBe(BigInt(before + 1500) * MS);
  });

  it('can be set to a later moment', async () => {
    const later = (await network.getTime()) + 3_600_000;
    await network.setTime(new Date(later));
    expect(await network.getTime()).toBe(later);
    expect(await probe.actor.now()).toBe(BigInt(later) * MS);
  });
});

describe('a timer', () => {
  it('fires only once its time has come', async () => {
    await probe.actor.schedule(5n, 'five seconds');
    await network.tick();
    expect(await probe.actor.fired()).toEqual([]);

    await network.advanceTime(4000);
    await network.tick();
    expect(await probe.actor.fired()).toEqual([]);

    await network.advanceTime(2000);
    await network.tick();
    expect(await probe.actor.fired()).toEqual(['five seconds']);
  });

  it('fires once, not again on later ticks', async () => {
    const before = await probe.actor.fired();
    await network.advanceTime(60_000);
    await network.tick(3);
    expect(await probe.actor.fired()).toEqual(before);
  });

  it('fires several timers in the order of their deadlines, each when due', async () => {
    const before = await probe.actor.fired();
    await probe.actor.schedule(30n, 'thirty');
    await probe.actor.schedule(10n, 'ten');
    await probe.actor.schedule(20n, 'twenty');

    await network.advanceTime(15_000);
    await network.tick();
    expect(await probe.actor.fired()).toEqual([...before, 'ten']);

    await network.advanceTime(20_000);
    await network.tick();
    expect(await probe.actor.fired()).toEqual([...before, 'ten', 'twenty', 'thirty']);
  });

  it('fires a zero-second timer on the next tick without moving time', async () => {
    const before = await probe.actor.fired();
    const time = await network.getTime();
    await probe.actor.schedule(0n, 'now');
    await network.tick();
    expect(await probe.actor.fired()).toEqual([...before, 'now']);
    expect(await network.getTime()).toBe(time);
  });

  it('runs as messages of the canister: the global timer, then a self-call that runs the callback', async () => {
    const before = network.getCounters(probe.canisterId);
    await probe.actor.schedule(1n, 'counted');
    expect(network.getCounters(probe.canisterId).messages).toBe(before.messages + 1);
    await network.advanceTime(1000);
    await network.tick();
    // ic-cdk timers (which azle uses) run each callback through a self-call to `timer_executor`:
    // canister_global_timer, the self-call, and the reply to it are three more messages.
    const after = network.getCounters(probe.canisterId);
    expect(after.messages).toBe(before.messages + 4);
    expect(after.calls).toBe(before.calls + 1);
    expect((await probe.actor.fired()).at(-1)).toBe('counted');
  });

  it('is traced as caused by the message that set it, and its self-call as caused by the timer', async () => {
    const seen: Execution[] = [];
    network.scheduler.onExecution = (x) => seen.push(x);
    try {
      await probe.actor.schedule(0n, 'traced');
      await network.tick();
    } finally {
      network.scheduler.onExecution = undefined;
    }
    const [schedule, timer, executor] = seen;
    expect([schedule.kind, schedule.method, schedule.cause]).toEqual(['call', 'schedule', 0]);
    expect([timer.kind, timer.cause]).toEqual(['timer', schedule.id]);
    expect([executor.kind, executor.method, executor.cause]).toEqual(['call', '<ic-cdk internal> timer_executor', timer.id]);
  });
});
