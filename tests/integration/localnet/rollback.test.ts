// A trap throws away everything the message changed (heap and stable memory alike), and a query never
// keeps what it changed, as the IC interface specification says.
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { encode, type Probe, rejection, setupProbe } from './probe.js';

let network: LocalNetwork;
let probe: Probe;

beforeAll(async () => {
  network = await LocalNetwork.create();
  probe = await setupProbe(network);
  await probe.actor.increment();
  await probe.actor.put('kept', 'before the trap');
});

afterAll(async () => {
  await network?.stop();
});

describe('a trap in an update', () => {
  it('reaches the ingress caller as CANISTER_ERROR (5), IC0503, with the trap message', async () => {
    const reject = await rejection(probe.actor.put_then_trap('doomed', 'value'));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0503');
    expect(reject.message).toContain(probe.canisterId.toText());
    expect(reject.message).toContain('deliberate trap');
  });

  it('rolls back both the heap field and the StableBTreeMap entry it wrote', async () => {
    const counter = await probe.actor.get();
    const size = await probe.actor.size();
    await rejection(probe.actor.put_then_trap('doomed', 'value'));
    expect(await probe.actor.get()).toBe(counter);
    expect(await probe.actor.lookup('doomed')).toEqual([]);
    expect(await probe.actor.size()).toBe(size);
    expect(await probe.actor.lookup('kept')).toEqual(['before the trap']);
  });

  it('does not overwrite an existing entry with the value written before the trap', async () => {
    await rejection(probe.actor.put_then_trap('kept', 'overwritten?'));
    expect(await probe.actor.lookup('kept')).toEqual(['before the trap']);
  });

  it('leaves the canister working: later updates see the state from before the trap', async () => {
    const counter = await probe.actor.get();
    await rejection(probe.actor.put_then_trap('doomed', 'value'));
    expect(await probe.actor.increment()).toBe(counter + 1n);
    await probe.actor.put('after', 'the trap');
    expect(await probe.actor.lookup('after')).toEqual(['the trap']);
    expect(await probe.actor.lookup('doomed')).toEqual([]);
  });

  it('passes a trap message of the caller through unchanged', async () => {
    const reject = await rejection(probe.actor.trap_with("a message with 'quotes' and ünïcode"));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0503');
    expect(reject.message).toContain("a message with 'quotes' and ünïcode");
  });

  it('survives many traps in a row without leaking state', async () => {
    const counter = await probe.actor.get();
    const size = await probe.actor.size();
    for (let i = 0; i < 20; i++) await rejection(probe.actor.put_then_trap(`doomed-${i}`, 'x'.repeat(1000)));
    expect(await probe.actor.get()).toBe(counter);
    expect(await probe.actor.size()).toBe(size);
  });
});

describe('a query', () => {
  it('answers with the changed value but never keeps it', async () => {
    const counter = await probe.actor.get();
    expect(await probe.actor.bump_in_query()).toBe(counter + 1n);
    expect(await probe.actor.bump_in_query()).toBe(counter + 1n);
    expect(await probe.actor.get()).toBe(counter);
  });

  it('does not keep its change when called as an update either', async () => {
    const counter = await probe.actor.get();
    const reply = await network.updateCall({ canisterId: probe.canisterId, method: 'bump_in_query' });
    expect(IDL.decode([IDL.Nat], Uint8Array.from(reply))).toEqual([counter + 1n]);
    expect(await probe.actor.get()).toBe(counter);
  });

  it('runs non-replicated when a user queries, replicated when called as an update', async () => {
    expect(await probe.actor.replicated()).toBe(false);
    const reply = await network.updateCall({ canisterId: probe.canisterId, method: 'replicated' });
    expect(IDL.decode([IDL.Bool], Uint8Array.from(reply))).toEqual([true]);
  });

  it('cannot run an update method', async () => {
    const counter = await probe.actor.get();
    const reject = await rejection(network.queryCall({ canisterId: probe.canisterId, method: 'increment', arg: encode([], []) }));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0536');
    expect(await probe.actor.get()).toBe(counter);
  });
});
