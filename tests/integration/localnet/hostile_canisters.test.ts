// A bad canister cannot take the network down: modules the host cannot link are refused at
// install_code with IC0505, absurd System API arguments and engine errors trap and roll back the
// message, and every other canister (and the same one) goes on working. Also: the start function
// runs before init as an execution of its own, and canister_status tells running from stopped.
import type { Principal } from '@dfinity/principal';
import binaryen from 'binaryen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { type Probe, rejection, setupProbe } from './probe.js';

// Replies are raw little-endian i32s, not candid.
const REPLY = `
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
  (func $reply_i32 (param $value i32)
    (i32.store (i32.const 0) (local.get $value))
    (call $msg_reply_data_append (i32.const 0) (i32.const 4))
    (call $msg_reply))`;

const RAW = `
(module
  ${REPLY}
  (import "ic0" "canister_status" (func $canister_status (result i32)))
  (import "ic0" "stable_grow" (func $stable_grow (param i32) (result i32)))
  (import "ic0" "stable_size" (func $stable_size (result i32)))
  (import "ic0" "stable64_read" (func $stable64_read (param i64 i64 i64)))
  (memory 1)
  (global $counter (mut i32) (i32.const 0))
  (global $status_at_upgrade (mut i32) (i32.const 0))
  (global $not_a_function i32 (i32.const 0))
  (export "canister_update not_a_function" (global $not_a_function))
  (func (export "canister_post_upgrade") (global.set $status_at_upgrade (call $canister_status)))
  (func (export "canister_update increment")
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (call $reply_i32 (global.get $counter)))
  (func (export "canister_query status") (call $reply_i32 (call $canister_status)))
  (func (export "canister_query status_at_upgrade") (call $reply_i32 (global.get $status_at_upgrade)))
  (func (export "canister_update huge_stable_read")
    (global.set $counter (i32.const 1000))
    (call $stable64_read (i64.const 0) (i64.const 0) (i64.const 1099511627776))
    (call $reply_i32 (i32.const 0)))
  (func (export "canister_update grow_negative") (call $reply_i32 (call $stable_grow (i32.const -1))))
  (func (export "canister_query stable_size") (call $reply_i32 (call $stable_size)))
  (func (export "canister_update wrapping_store")
    (i32.store offset=32 (i32.const -16) (i32.const 42))
    (call $reply_i32 (i32.const 0)))
  (func (export "canister_query at_16") (call $reply_i32 (i32.load (i32.const 16))))
  (func $recurse (export "canister_update recurse") (call $recurse)))
`;

const UNKNOWN_IMPORT = `
(module
  (import "ic0" "no_such_function" (func $missing (result i64)))
  (memory 1)
  (func (export "canister_update f") (drop (call $missing))))
`;

const WRONGLY_TYPED_IMPORT = `
(module
  (import "ic0" "time" (func $time (result i32)))
  (memory 1)
  (func (export "canister_update f") (drop (call $time))))
`;

const DATA_OUT_OF_BOUNDS = `
(module
  (memory 1)
  (data (i32.const 65535) "ab"))
`;

const START = `
(module
  ${REPLY}
  (memory 1)
  (global $value (mut i32) (i32.const 0))
  (func $start (global.set $value (i32.const 7)))
  (start $start)
  (func (export "canister_init") (global.set $value (i32.mul (global.get $value) (i32.const 6))))
  (func (export "canister_query value") (call $reply_i32 (global.get $value))))
`;

const START_CALLING_MSG_CALLER = `
(module
  (import "ic0" "msg_caller_size" (func $msg_caller_size (result i32)))
  (memory 1)
  (func $start (drop (call $msg_caller_size)))
  (start $start))
`;

function wasm(wat: string): Uint8Array {
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

let network: LocalNetwork;
let probe: Probe;
let raw: Principal;

async function i32(method: string, query = false): Promise<number> {
  const reply = query ? await network.queryCall({ canisterId: raw, method }) : await network.updateCall({ canisterId: raw, method });
  return new DataView(reply.buffer, reply.byteOffset).getInt32(0, true);
}

beforeAll(async () => {
  network = await LocalNetwork.create();
  probe = await setupProbe(network);
  raw = (await network.setupCanister({ wasm: wasm(RAW) })).canisterId;
});

afterAll(async () => {
  await network?.stop();
});

describe('install_code of a module the host cannot run', () => {
  it('refuses an unknown ic0 import with IC0505, naming it, and the network keeps working', async () => {
    const canisterId = await network.createCanister();
    const reject = await rejection(network.installCode({ canisterId, wasm: wasm(UNKNOWN_IMPORT) }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0505' });
    expect(reject.message).toContain("Module imports function 'no_such_function' from 'ic0' that is not exported by the runtime.");
    expect((await network.canisterStatus(canisterId)).module_hash).toEqual([]);
    expect(await probe.actor.increment()).toBe(1n);
  });

  it('leaves an installed canister unchanged when a reinstall or upgrade brings such a module', async () => {
    const before = await i32('increment');
    for (const install of [network.reinstallCode.bind(network), network.upgradeCanister.bind(network)]) {
      const reject = await rejection(install({ canisterId: raw, wasm: wasm(UNKNOWN_IMPORT) }));
      expect(reject.errorCode).toBe('IC0505');
    }
    expect(await i32('increment')).toBe(before + 1);
  });

  it('refuses an ic0 import of the wrong type', async () => {
    const canisterId = await network.createCanister();
    const reject = await rejection(network.installCode({ canisterId, wasm: wasm(WRONGLY_TYPED_IMPORT) }));
    expect(reject.errorCode).toBe('IC0505');
    expect(reject.message).toContain(
      "Module imports function 'time' from 'ic0' with type () -> i32, but the System API defines () -> i64.",
    );
  });

  it('refuses a module that fails to instantiate with IC0505', async () => {
    const canisterId = await network.createCanister();
    const reject = await rejection(network.installCode({ canisterId, wasm: wasm(DATA_OUT_OF_BOUNDS) }));
    expect(reject.errorCode).toBe('IC0505');
    expect(reject.message).toContain('instantiation failed');
    expect((await network.canisterStatus(canisterId)).module_hash).toEqual([]);
  });
});

describe('the start function', () => {
  it('runs before canister_init', async () => {
    const { canisterId } = await network.setupCanister({ wasm: wasm(START) });
    const reply = await network.queryCall({ canisterId, method: 'value' });
    expect(new DataView(reply.buffer, reply.byteOffset).getInt32(0, true)).toBe(42);
  });

  it('fails the installation when it calls a function (start) may not call', async () => {
    const canisterId = await network.createCanister();
    const reject = await rejection(network.installCode({ canisterId, wasm: wasm(START_CALLING_MSG_CALLER) }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0504' });
    expect(reject.message).toContain('"ic0_msg_caller_size" cannot be executed in start mode');
    expect((await network.canisterStatus(canisterId)).module_hash).toEqual([]);
  });
});

describe('a canister passing absurd arguments or failing in the engine', () => {
  it('traps on stable64_read of 2^40 bytes, rolls the message back, and takes the next call', async () => {
    const before = await i32('increment');
    const reject = await rejection(network.updateCall({ canisterId: raw, method: 'huge_stable_read' }));
    expect(reject).toMatchObject({ code: 5, errorCode: 'IC0502' });
    expect(reject.message).toContain('Canister trapped: stable memory out of bounds');
    expect(await i32('increment')).toBe(before + 1);
  });

  it('gets -1 from stable_grow(-1), and keeps its stable memory', async () => {
    expect(await i32('grow_negative')).toBe(-1);
    expect(await i32('stable_size', true)).toBe(0);
  });

  it('traps on a store whose address + offset passes 2^32, writing nothing', async () => {
    const reject = await rejection(network.updateCall({ canisterId: raw, method: 'wrapping_store' }));
    expect(reject.errorCode).toBe('IC0502');
    expect(reject.message).toContain('memory access out of bounds');
    expect(await i32('at_16', true)).toBe(0);
  });

  it('traps on a stack overflow', async () => {
    const reject = await rejection(network.updateCall({ canisterId: raw, method: 'recurse' }));
    expect(reject.errorCode).toBe('IC0502');
    expect(reject.message).toContain('Canister trapped: stack overflow');
  });

  it('traps, and logs, when the host fails on its behalf (an exported method that is not a function)', async () => {
    const reject = await rejection(network.updateCall({ canisterId: raw, method: 'not_a_function' }));
    expect(reject.errorCode).toBe('IC0502');
    expect(network.canisterLogs(raw).join('\n')).toContain('internal error while executing canister code');
    expect(await i32('increment')).toBeGreaterThan(0);
    expect(await probe.actor.get()).toBeGreaterThan(0n);
  });
});

describe('canister_status', () => {
  it('is 1 while running and 3 in the post_upgrade of a stopped canister', async () => {
    expect(await i32('status', true)).toBe(1);
    await network.stopCanister(raw);
    await network.upgradeCanister({ canisterId: raw, wasm: wasm(RAW) });
    await network.startCanister(raw);
    expect(await i32('status_at_upgrade', true)).toBe(3);
    expect(await i32('status', true)).toBe(1);
  });
});
