// Calls that cannot be served get the IC's reject (code, error code, message) and change nothing.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { encode, type Probe, rejection, setupProbe } from './probe.js';

// A canister id in this subnet's range that was never allocated.
const NEVER_CREATED = Principal.fromText('7hfb6-caaaa-aaaar-qadga-cai');
const GARBAGE = new TextEncoder().encode('garbage');

let network: LocalNetwork;
let probe: Probe;

beforeAll(async () => {
  network = await LocalNetwork.create();
  probe = await setupProbe(network);
  await probe.actor.increment();
  await probe.actor.put('key', 'value');
});

afterAll(async () => {
  await network?.stop();
});

describe('an unknown canister', () => {
  it('rejects an update with DESTINATION_INVALID (3), IC0301, naming the canister', async () => {
    const reject = await rejection(network.updateCall({ canisterId: NEVER_CREATED, method: 'increment' }));
    expect(reject).toMatchObject({ code: 3, errorCode: 'IC0301' });
    expect(reject.message).toContain(NEVER_CREATED.toText());
  });

  it('rejects a query the same way', async () => {
    const reject = await rejection(network.queryCall({ canisterId: NEVER_CREATED, method: 'get' }));
    expect(reject).toMatchObject({ code: 3, errorCode: 'IC0301' });
    expect(reject.message).toContain(NEVER_CREATED.toText());
  });
});

describe('an unknown method', () => {
  it('rejects an update with CANISTER_ERROR (5), IC0536, naming the method, and changes nothing', async () => {
    const before = await probe.actor.get();
    const reject = await rejection(network.updateCall({ canisterId: probe.canisterId, method: 'no_such_method' }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0536' });
    expect(reject.message).toContain('no_such_method');
    expect(await probe.actor.get()).toBe(before);
  });

  it('rejects a query the same way', async () => {
    const reject = await rejection(network.queryCall({ canisterId: probe.canisterId, method: 'no_such_query' }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0536' });
    expect(reject.message).toContain('no_such_query');
  });

  it('rejects a method of the management canister that does not exist', async () => {
    const reject = await rejection(network.updateCall({ canisterId: Principal.fromText('aaaaa-aa'), method: 'no_such_method' }));
    expect(reject).toMatchObject({ code: 4, errorCode: 'IC0407' });
    expect(reject.message).toContain('no_such_method');
  });
});

describe('malformed candid', () => {
  it('makes the canister trap (CANISTER_ERROR, 5) on raw garbage, and changes nothing', async () => {
    const before = await probe.actor.get();
    const reject = await rejection(network.updateCall({ canisterId: probe.canisterId, method: 'increment', arg: GARBAGE }));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0503');
    expect(reject.message).toContain(probe.canisterId.toText());
    expect(await probe.actor.get()).toBe(before);
  });

  it('makes the canister trap on arguments of the wrong type, and changes nothing', async () => {
    const size = await probe.actor.size();
    const reject = await rejection(
      network.updateCall({ canisterId: probe.canisterId, method: 'put', arg: encode([IDL.Nat, IDL.Nat], [1n, 2n]) }),
    );
    expect(reject.code).toBe(5);
    expect(await probe.actor.size()).toBe(size);
    expect(await probe.actor.lookup('key')).toEqual(['value']);
  });

  it('makes a query trap too', async () => {
    const reject = await rejection(network.queryCall({ canisterId: probe.canisterId, method: 'lookup', arg: GARBAGE }));
    expect(reject.code).toBe(5);
    expect(reject.message).toContain(probe.canisterId.toText());
  });

  it('makes a management canister call fail without touching any canister', async () => {
    const reject = await rejection(
      network.updateCall({ canisterId: Principal.fromText('aaaaa-aa'), method: 'canister_status', arg: GARBAGE }),
    );
    expect(reject.code).toBe(4);
    expect(reject.message).toContain('canister_status');
    expect(await probe.actor.get()).toBe(1n);
  });
});

describe('a canister with no code', () => {
  it('rejects calls with CANISTER_ERROR (5), IC0537', async () => {
    const empty = await network.createCanister();
    const update = await rejection(network.updateCall({ canisterId: empty, method: 'increment' }));
    expect(update).toMatchObject({ code: 5, errorCode: 'IC0537' });
    const query = await rejection(network.queryCall({ canisterId: empty, method: 'get' }));
    expect(query).toMatchObject({ code: 5, errorCode: 'IC0537' });
  });

  it('refuses a module that is not WebAssembly (IC0505) and stays empty', async () => {
    const empty = await network.createCanister();
    const reject = await rejection(network.installCode({ canisterId: empty, wasm: GARBAGE }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0505' });
    expect((await network.canisterStatus(empty)).module_hash).toEqual([]);
  });
});

describe('a reject from the canister itself', () => {
  it('reaches the ingress caller as CANISTER_REJECT (4) with the message unchanged', async () => {
    const reject = await rejection(probe.actor.reject_with('no, thank you'));
    expect(reject).toMatchObject({ code: 4, errorCode: 'IC0406', message: 'no, thank you' });
  });
});
