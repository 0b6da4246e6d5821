// The System API on hostile arguments and in each kind of execution: unsigned arguments, ranges
// checked before anything is allocated or written, traps instead of host exceptions, availability as
// the spec's overview of imports lists it, and canister_status.
import { Principal } from '@dfinity/principal';
import binaryen from 'binaryen';
import { beforeEach, describe, expect, it } from 'vitest';

import { Canister, type Outcome } from '../../../src/localnet/canister.js';
import { feesFor } from '../../../src/localnet/cycles.js';
import { StableMemory, WASM_PAGE } from '../../../src/localnet/host/stable_memory.js';
import { checkImports, type ExecInput, type ExecKind, IC0, SystemApi } from '../../../src/localnet/host/system_api.js';
import { compileModule } from '../../../src/localnet/wasm/module_cache.js';

const WAT = `
(module
  (import "ic0" "canister_status" (func $canister_status (result i32)))
  (import "ic0" "msg_reject_code" (func $msg_reject_code (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $msg_arg_data_copy (param i32 i32 i32)))
  (import "ic0" "certified_data_set" (func $certified_data_set (param i32 i32)))
  (import "ic0" "stable_size" (func $stable_size (result i32)))
  (import "ic0" "stable_grow" (func $stable_grow (param i32) (result i32)))
  (import "ic0" "stable_read" (func $stable_read (param i32 i32 i32)))
  (import "ic0" "stable64_grow" (func $stable64_grow (param i64) (result i64)))
  (import "ic0" "stable64_read" (func $stable64_read (param i64 i64 i64)))
  (import "ic0" "stable64_write" (func $stable64_write (param i64 i64 i64)))
  (memory 1)
  ;; Results go to address 16, where the test reads them: not every kind of execution may reply.
  (func $reply_i32 (param $value i32) (i32.store (i32.const 16) (local.get $value)))
  (func (export "status") (call $reply_i32 (call $canister_status)))
  (func (export "reject_code") (call $reply_i32 (call $msg_reject_code)))
  (func (export "certify") (call $certified_data_set (i32.const 0) (i32.const 4)))
  (func (export "stable_size") (call $reply_i32 (call $stable_size)))
  (func (export "stable_grow_negative") (call $reply_i32 (call $stable_grow (i32.const -1))))
  (func (export "stable64_grow_negative") (call $reply_i32 (i32.wrap_i64 (call $stable64_grow (i64.const -1)))))
  (func (export "stable64_grow_one") (call $reply_i32 (i32.wrap_i64 (call $stable64_grow (i64.const 1)))))
  (func (export "stable64_read_huge") (call $stable64_read (i64.const 0) (i64.const 0) (i64.const 1099511627776)))
  (func (export "stable64_read_far_dst") (call $stable64_read (i64.const -1) (i64.const 0) (i64.const 1)))
  (func (export "stable_read_negative_size") (call $stable_read (i32.const 0) (i32.const 0) (i32.const -1)))
  (func (export "stable64_write_negative_offset")
    (i32.store (i32.const 0) (i32.const 0x01020304))
    (call $stable64_write (i64.const -65536) (i64.const 0) (i64.const 4)))
  (func (export "arg_copy_wrapping") (call $msg_arg_data_copy (i32.const 0) (i32.const -1) (i32.const 2)))
  (func $recurse (export "recurse") (call $recurse)))
`;

function binary(wat: string): Uint8Array {
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

const MODULE = binary(WAT);

let canister: Canister;
let logs: string[];

beforeEach(() => {
  logs = [];
  canister = new Canister(Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'), [], 10n ** 15n, feesFor(13), (_, message) =>
    logs.push(message),
  );
  canister.instance = canister.instantiate(compileModule(MODULE));
});

function run(name: string, kind: ExecKind = 'U', input: Partial<ExecInput> = {}): Outcome {
  const execInput: ExecInput = {
    kind,
    method: name,
    arg: new Uint8Array(1),
    caller: new Uint8Array(0),
    time: 0n,
    cyclesAvailable: 0n,
    canReply: true,
    ...input,
  };
  const outcome = canister.run(execInput, (i) => i.export(name)!(), 1_000_000_000n);
  if (outcome.ok) canister.commit();
  else canister.rollback();
  return outcome;
}

/** Runs a function that returns a value and reads it. */
function result(name: string, kind: ExecKind = 'U', input: Partial<ExecInput> = {}): number {
  const outcome = run(name, kind, input);
  if (!outcome.ok) throw outcome.trap;
  return new DataView(canister.instance!.bytes.buffer).getInt32(16, true);
}

function trap(outcome: Outcome): { errorCode: string; message: string } {
  if (outcome.ok) throw new Error('expected a trap');
  return { errorCode: outcome.trap.errorCode, message: outcome.trap.message };
}

describe('stable memory functions', () => {
  it('trap on stable64_read of 2^40 bytes, with no allocation, and the canister goes on working', () => {
    expect(trap(run('stable64_read_huge'))).toEqual({
      errorCode: 'IC0502',
      message: expect.stringMatching(/^stable memory out of bounds: offset=0 \+ length=1099511627776 exceeds the stable memory size=0/),
    });
    expect(result('stable64_grow_one')).toBe(0);
    expect(trap(run('stable64_read_far_dst'))).toMatchObject({
      errorCode: 'IC0502',
      message: expect.stringMatching(/^heap out of bounds/),
    });
    expect(result('stable_size')).toBe(1);
  });

  it('read a negative i32 size as unsigned: stable_read traps instead of throwing a RangeError', () => {
    expect(result('stable64_grow_one')).toBe(0);
    expect(trap(run('stable_read_negative_size'))).toMatchObject({
      errorCode: 'IC0502',
      message: expect.stringMatching(/length=4294967295/),
    });
    expect(result('stable_size')).toBe(1);
  });

  it('refuse to grow by a negative count (-1), which would shrink the memory', () => {
    expect(result('stable64_grow_one')).toBe(0);
    expect(result('stable_grow_negative')).toBe(-1);
    expect(result('stable64_grow_negative')).toBe(-1);
    expect(result('stable_size')).toBe(1);
  });

  it('trap on a negative stable64 offset instead of writing page -1', () => {
    expect(result('stable64_grow_one')).toBe(0);
    expect(trap(run('stable64_write_negative_offset'))).toMatchObject({
      errorCode: 'IC0502',
      message: expect.stringMatching(/^stable memory out of bounds: offset=18446744073709486080/),
    });
    expect([...canister.stable.entries()]).toEqual([]);
  });

  it('StableMemory itself rejects negative counts and offsets', () => {
    const memory = new StableMemory();
    memory.grow(2);
    expect(memory.grow(-1)).toBe(-1);
    expect(memory.grow(0.5)).toBe(-1);
    expect(memory.size).toBe(2);
    expect(() => memory.write(-WASM_PAGE, Uint8Array.of(1))).toThrow(RangeError);
    expect(() => memory.read(0, -1, new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('copy functions', () => {
  it('read offset and size as unsigned, so offset + size cannot wrap into range', () => {
    expect(trap(run('arg_copy_wrapping'))).toEqual({
      errorCode: 'IC0504',
      message: 'ic0.msg_arg_data_copy: src=4294967295 + length=2 exceeds the slice size=1',
    });
  });
});

describe('errors of the host and of the engine', () => {
  it('make a stack overflow a trap', () => {
    expect(trap(run('recurse'))).toEqual({ errorCode: 'IC0502', message: 'stack overflow' });
    expect(result('status')).toBe(1);
  });

  it('make any other error thrown while running canister code a trap, and log it', () => {
    const outcome = canister.run(
      { kind: 'U', method: '', arg: new Uint8Array(0), caller: new Uint8Array(0), time: 0n, cyclesAvailable: 0n, canReply: true },
      () => {
        throw new TypeError('a bug in the host');
      },
      1_000_000n,
    );
    expect(trap(outcome)).toEqual({ errorCode: 'IC0502', message: 'internal error of the local network: a bug in the host' });
    expect(logs.join('\n')).toContain('TypeError: a bug in the host');
  });
});

describe('availability', () => {
  it('allows msg_reject_code in a cleanup callback, where it tells the reject code of the trapped callback', () => {
    expect(result('reject_code', 'C', { rejectCode: 4 })).toBe(4);
    expect(result('reject_code', 'Ry')).toBe(0);
  });

  it('refuses certified_data_set in a cleanup callback, and allows it in callbacks', () => {
    expect(trap(run('certify', 'C'))).toEqual({
      errorCode: 'IC0504',
      message: '"ic0_certified_data_set" cannot be executed in cleanup mode',
    });
    expect(run('certify', 'Rt').ok).toBe(true);
  });

  it('lets the (start) function call only the functions the spec marks with s', () => {
    expect(trap(run('status', 's'))).toMatchObject({ message: '"ic0_canister_status" cannot be executed in start mode' });
    expect(trap(run('stable64_read_huge', 's'))).toMatchObject({ message: expect.stringMatching(/^stable memory out of bounds/) });
  });
});

describe('canister_status', () => {
  it('is 1 running, 2 stopping, 3 stopped', () => {
    expect(result('status')).toBe(1);
    canister.status = 'stopping';
    expect(result('status', 'Ry')).toBe(2);
    canister.status = 'stopped';
    expect(result('status', 'I')).toBe(3);
  });
});

describe('the ic0 import table', () => {
  it('lists exactly the functions the host provides', () => {
    expect(Object.keys(new SystemApi().imports()).sort()).toEqual(Object.keys(IC0).sort());
  });

  it('refuses unknown functions, wrong types and imports from elsewhere, naming them', () => {
    expect(() => checkImports([{ module: 'ic0', name: 'msg_deadline_v9', kind: 'function', type: '() -> i64' }])).toThrow(
      "Module imports function 'msg_deadline_v9' from 'ic0' that is not exported by the runtime.",
    );
    expect(() => checkImports([{ module: 'ic0', name: 'time', kind: 'function', type: '() -> i32' }])).toThrow(
      "Module imports function 'time' from 'ic0' with type () -> i32, but the System API defines () -> i64.",
    );
    expect(() => checkImports([{ module: 'env', name: 'memory', kind: 'memory' }])).toThrow(
      "Module imports memory 'memory' from 'env', but only functions from 'ic0' can be imported.",
    );
    expect(() => checkImports([{ module: 'ic0', name: 'time', kind: 'function', type: '() -> i64' }])).not.toThrow();
  });
});
