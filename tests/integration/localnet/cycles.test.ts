// Cycles: moving them between canisters with the refund of what the callee did not accept, and what a
// canister that cannot pay gets (CANISTER_OUT_OF_CYCLES, IC0207) with its state left as it was.
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, PROBE_WASM, type Probe, type ProbeService, rejection, setupProbes } from './probe.js';

let network: LocalNetwork;
let a: Probe;
let b: Probe;
/** Messages a probe has run once set up: its init and azle's init timer. */
let setupMessages: number;

beforeAll(async () => {
  network = await LocalNetwork.create({ time: Date.UTC(2025, 0, 1) });
  [a, b] = await setupProbes(network, 2);
  setupMessages = network.getCounters(a.canisterId).messages;
});

afterAll(async () => {
  await network?.stop();
});

describe('sending cycles between canisters', () => {
  const amount = 1_000_000_000_000n; // 1 T cycles; the callee accepts half

  it('moves the accepted half to the callee and refunds the rest to the caller', async () => {
    const aBefore = await network.getCyclesBalance(a.canisterId);
    const bBefore = await network.getCyclesBalance(b.canisterId);
    const aSpent = network.getCounters(a.canisterId).cyclesSpent;
    const bSpent = network.getCounters(b.canisterId).cyclesSpent;

    const refunded = await a.actor.send_cycles(b.canisterId, amount);
    expect(refunded).toBe(amount / 2n);

    // The callee gains exactly what it accepted, less what running accept_cycles cost it.
    const bAfter = await network.getCyclesBalance(b.canisterId);
    const bCost = network.getCounters(b.canisterId).cyclesSpent - bSpent;
    expect(bAfter - bBefore + bCost).toBe(amount / 2n);

    // The caller loses the accepted half, its own execution, and the fees for sending the call and
    // receiving the reply (one base fee plus a fee per byte, as the IC charges on 13 nodes).
    const aAfter = await network.getCyclesBalance(a.canisterId);
    const aCost = network.getCounters(a.canisterId).cyclesSpent - aSpent;
    const request = 'accept_cycles'.length + IDL.encode([IDL.Nat], [amount / 2n]).byteLength;
    const reply = IDL.encode([IDL.Nat], [amount / 2n]).byteLength;
    const transmission = 260_000n + 1_000n * BigInt(request) + 1_000n * BigInt(reply);
    expect(aBefore - aAfter).toBe(amount / 2n + aCost + transmission);
  });

  it('lets the callee see what it accepted in its own balance', async () => {
    const before = await b.actor.balance();
    const spent = network.getCounters(b.canisterId).cyclesSpent;
    await a.actor.send_cycles(b.canisterId, 2n * amount);
    const cost = network.getCounters(b.canisterId).cyclesSpent - spent;
    expect(await b.actor.balance()).toBe(before + amount - cost);
  });

  it('gives nothing to a method called by a user, who attaches no cycles', async () => {
    const before = await network.getCyclesBalance(b.canisterId);
    const spent = network.getCounters(b.canisterId).cyclesSpent;
    expect(await b.actor.accept_cycles(amount)).toBe(0n);
    const cost = network.getCounters(b.canisterId).cyclesSpent - spent;
    expect(await network.getCyclesBalance(b.canisterId)).toBe(before - cost);
  });

  it('traps, moving nothing, when the caller attaches more cycles than it holds', async () => {
    const bBefore = await network.getCyclesBalance(b.canisterId);
    const aBefore = await network.getCyclesBalance(a.canisterId);
    const spent = network.getCounters(a.canisterId).cyclesSpent;
    const reject = await rejection(a.actor.send_cycles(b.canisterId, aBefore + 1n));
    expect(reject.code).toBe(5);
    expect(reject.message).toContain(a.canisterId.toText());
    expect(await network.getCyclesBalance(b.canisterId)).toBe(bBefore);
    // The caller pays for the message it ran, and nothing else leaves it.
    const cost = network.getCounters(a.canisterId).cyclesSpent - spent;
    expect(await network.getCyclesBalance(a.canisterId)).toBe(aBefore - cost);
  });
});

describe('what a message costs', () => {
  it('meters a trivial update in the low millions of instructions, as the IC does (about 1.4 M)', async () => {
    const before = network.getCounters(b.canisterId);
    await b.actor.increment();
    const after = network.getCounters(b.canisterId);
    const instructions = after.instructions - before.instructions;
    expect(instructions).toBeGreaterThan(500_000n);
    expect(instructions).toBeLessThan(3_000_000n);
    // The base fee, one cycle per instruction (13 nodes), and the ingress message with its bytes
    // (method name and the 6-byte empty candid argument).
    const ingress = 1_200_000n + 2_000n * BigInt('increment'.length + 6);
    expect(after.cyclesSpent - before.cyclesSpent).toBe(5_000_000n + instructions + ingress);
    expect(after.messages).toBe(before.messages + 1);
  });
});

describe('a canister out of cycles', () => {
  it('cannot have code installed (SYS_TRANSIENT 2, IC0207) and stays empty with its balance', async () => {
    const canisterId = await network.createCanister({ cycles: 1_000_000n });
    const reject = await rejection(network.installCode({ canisterId, wasm: PROBE_WASM }));
    expect(reject).toMatchObject({ code: 2, errorCode: 'IC0207' });
    expect(reject.message).toContain(canisterId.toText());
    const status = await network.canisterStatus(canisterId);
    expect(status.module_hash).toEqual([]);
    expect(status.cycles).toBe(1_000_000n);
  });

  it('takes the install once topped up', async () => {
    const canisterId = await network.createCanister({ cycles: 1_000_000n });
    await rejection(network.installCode({ canisterId, wasm: PROBE_WASM }));
    expect(await network.addCycles(canisterId, 1_000_000_000_000n)).toBe(1_000_001_000_000n);
    await network.installCode({ canisterId, wasm: PROBE_WASM });
    const actor = network.createActor<ProbeService>(idlFactory, canisterId);
    expect(await actor.increment()).toBe(1n);
  });

  describe('after its code ran it dry', () => {
    let canisterId: Probe['canisterId'];
    let actor: Probe['actor'];

    beforeAll(async () => {
      // What installing the probe costs, measured on a stopped canister where no timer runs after init.
      const reference = await network.createCanister();
      await network.stopCanister(reference);
      await network.installCode({ canisterId: reference, wasm: PROBE_WASM });
      const installCost = network.getCounters(reference).cyclesSpent;
      // Enough for the install and 3 M cycles more: less than the 5 M base fee of any further message.
      canisterId = await network.createCanister({ cycles: installCost + 3_000_000n });
      await network.installCode({ canisterId, wasm: PROBE_WASM });
      actor = network.createActor<ProbeService>(idlFactory, canisterId);
    });

    it('is left with less than a message costs', async () => {
      expect(await network.getCyclesBalance(canisterId)).toBe(3_000_000n);
      expect(network.getCounters(canisterId).messages).toBe(1);
    });

    it('rejects an update with SYS_TRANSIENT (2), IC0207, and keeps its state', async () => {
      const reject = await rejection(actor.increment());
      expect(reject).toMatchObject({ code: 2, errorCode: 'IC0207' });
      expect(reject.message).toContain(canisterId.toText());
      expect(await actor.get()).toBe(0n);
      expect(network.getCounters(canisterId).messages).toBe(1);
    });

    it('keeps a due timer until it can pay, then runs it', async () => {
      await network.advanceTime(1000);
      await network.tick();
      expect(network.getCounters(canisterId).messages).toBe(1);
      await network.addCycles(canisterId, 1_000_000_000_000n);
      await network.tick();
      // Azle's init timer has now run, as it did right after init on a canister with cycles.
      expect(network.getCounters(canisterId).messages).toBe(setupMessages);
      expect(await actor.increment()).toBe(1n);
    });
  });
});
