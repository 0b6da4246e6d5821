// Calls between canisters and from users: routing along a chain, rejects and their codes reaching the
// caller, state kept across an await, and the caller's identity.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import type { Execution } from '../../../src/localnet/scheduler.js';
import { decode, encode, idlFactory, type Probe, type ProbeService, randomUser, rejection, setupProbes } from './probe.js';

const NO_ARGS = encode([], []);
// A canister id in this subnet's range that was never allocated.
const NEVER_CREATED = Principal.fromText('7hfb6-caaaa-aaaar-qadga-cai');

let network: LocalNetwork;
let a: Probe;
let b: Probe;
let c: Probe;

beforeAll(async () => {
  network = await LocalNetwork.create();
  [a, b, c] = await setupProbes(network, 3);
});

afterAll(async () => {
  await network?.stop();
});

describe('a chain of calls', () => {
  it('passes a message through three canisters and back, each hop adding its id', async () => {
    const callsBefore = network.getCounters(a.canisterId).calls;
    const answer = await a.actor.relay([b.canisterId, c.canisterId], 'hello');
    expect(answer).toBe(`${a.canisterId.toText()}>${b.canisterId.toText()}>end:hello`);
    expect(network.getCounters(a.canisterId).calls).toBe(callsBefore + 1);
  });

  it('fails the whole chain with the reject of the hop that could not be reached', async () => {
    // The last hop does not exist; azle's typed call throws in the middle canister, which traps, and
    // so does the first canister when that reject reaches it.
    const reject = await rejection(a.actor.relay([b.canisterId, NEVER_CREATED], 'lost'));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0503' });
    expect(reject.message).toContain(a.canisterId.toText());
    expect(reject.message).toContain(b.canisterId.toText());
    expect(reject.message).toContain(`${NEVER_CREATED.toText()} not found`);
  });
});

describe('the execution trace', () => {
  it('names, for each message, the execution that sent it: the chain of a relay and its replies', async () => {
    const seen: Execution[] = [];
    network.scheduler.onExecution = (x) => seen.push(x);
    try {
      await a.actor.relay([b.canisterId, c.canisterId], 'traced');
    } finally {
      network.scheduler.onExecution = undefined;
    }
    const name = (id: Principal) => (id.compareTo(a.canisterId) === 'eq' ? 'a' : id.compareTo(b.canisterId) === 'eq' ? 'b' : 'c');
    expect(seen.map((x) => `${name(x.canister)} ${x.kind} ${x.method}${x.callee ? ` from ${name(x.callee)}` : ''}`)).toEqual([
      'a call relay',
      'b call relay',
      'c call relay',
      'b reply relay from c',
      'a reply relay from b',
    ]);
    // Each message is caused by the one before it: the ingress has no cause (0).
    expect(seen.map((x) => x.cause)).toEqual([0, ...seen.slice(0, -1).map((x) => x.id)]);
    expect(seen.every((x) => x.instructions > 0n)).toBe(true);
  });
});

describe('rejects reaching the calling canister', () => {
  it('delivers an explicit reject as CANISTER_REJECT (4) with its message', async () => {
    const result = await a.actor.call_raw(b.canisterId, 'reject_with', encode([IDL.Text], ['not today']));
    expect(result).toEqual({ Err: { code: 4, message: 'not today' } });
  });

  it('delivers a trap in the callee as CANISTER_ERROR (5) naming the callee and the trap message', async () => {
    const result = await a.actor.call_raw(b.canisterId, 'trap_with', encode([IDL.Text], ['callee gave up']));
    expect('Err' in result && result.Err.code).toBe(5);
    const { message } = (result as { Err: { message: string } }).Err;
    expect(message).toContain(b.canisterId.toText());
    expect(message).toContain('callee gave up');
  });

  it('delivers a call to a canister that does not exist as DESTINATION_INVALID (3)', async () => {
    const result = await a.actor.call_raw(NEVER_CREATED, 'get', NO_ARGS);
    expect('Err' in result && result.Err.code).toBe(3);
    expect((result as { Err: { message: string } }).Err.message).toContain(NEVER_CREATED.toText());
  });

  it('delivers a call to a method the callee does not have as CANISTER_ERROR (5)', async () => {
    const result = await a.actor.call_raw(b.canisterId, 'no_such_method', NO_ARGS);
    expect('Err' in result && result.Err.code).toBe(5);
    expect((result as { Err: { message: string } }).Err.message).toContain('no_such_method');
  });

  it('lets a canister call a query method of another canister and get its reply', async () => {
    const counter = await b.actor.get();
    const result = await a.actor.call_raw(b.canisterId, 'get', NO_ARGS);
    expect('Ok' in result).toBe(true);
    expect(decode([IDL.Nat], (result as { Ok: Uint8Array }).Ok)).toEqual([counter]);
  });
});

describe('state across an await', () => {
  it('keeps a change made before the await when the callee answers', async () => {
    const before = await a.actor.get();
    const calleeBefore = await b.actor.get();
    const result = await a.actor.increment_then_call(b.canisterId, 'increment');
    expect(decode([IDL.Nat], (result as { Ok: Uint8Array }).Ok)).toEqual([calleeBefore + 1n]);
    expect(await a.actor.get()).toBe(before + 1n);
    expect(await b.actor.get()).toBe(calleeBefore + 1n);
  });

  it('keeps a change made before the await when the callee rejects', async () => {
    const before = await a.actor.get();
    const result = await a.actor.increment_then_call(b.canisterId, 'no_such_method');
    expect('Err' in result && result.Err.code).toBe(5);
    expect(await a.actor.get()).toBe(before + 1n);
  });

  it('keeps a change made before the await when the callee traps', async () => {
    const before = await a.actor.get();
    const calleeBefore = await b.actor.get();
    // trap_with expects a text argument; the empty argument makes the callee trap while decoding.
    const result = await a.actor.increment_then_call(b.canisterId, 'trap_with');
    expect('Err' in result && result.Err.code).toBe(5);
    expect(await a.actor.get()).toBe(before + 1n);
    expect(await b.actor.get()).toBe(calleeBefore);
  });
});

describe('the caller', () => {
  it('is the anonymous principal for an actor with no identity', async () => {
    const actor = network.createActor<ProbeService>(idlFactory, a.canisterId);
    expect((await actor.whoami()).toText()).toBe('2vxsx-fae');
  });

  it('is the principal the actor was given, for queries and updates alike', async () => {
    const user = randomUser();
    const actor = network.createActor<ProbeService>(idlFactory, a.canisterId);
    actor.setPrincipal(user);
    expect((await actor.whoami()).toText()).toBe(user.toText());
    // The same method called through the update path (a query called as an update).
    const reply = await network.updateCall({ canisterId: a.canisterId, method: 'whoami', sender: user });
    expect((decode([IDL.Principal], reply)[0] as Principal).toText()).toBe(user.toText());
  });

  it('follows an identity object given with setIdentity', async () => {
    const user = randomUser();
    const actor = network.createActor<ProbeService>(idlFactory, a.canisterId);
    actor.setIdentity({ getPrincipal: () => user });
    expect((await actor.whoami()).toText()).toBe(user.toText());
  });

  it('is the calling canister for a call between canisters', async () => {
    const result = await a.actor.call_raw(b.canisterId, 'whoami', NO_ARGS);
    expect((decode([IDL.Principal], (result as { Ok: Uint8Array }).Ok)[0] as Principal).toText()).toBe(a.canisterId.toText());
  });

  it('is a controller only when it is one', async () => {
    const controller = randomUser();
    const actor = network.createActor<ProbeService>(idlFactory, a.canisterId);
    expect(await actor.caller_is_controller()).toBe(true); // the anonymous principal set the canister up
    actor.setPrincipal(controller);
    expect(await actor.caller_is_controller()).toBe(false);
  });

  it('sees its own canister id through canister_self', async () => {
    expect((await c.actor.self_id()).toText()).toBe(c.canisterId.toText());
  });
});
