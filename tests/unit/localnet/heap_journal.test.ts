// The module instrumentation behind trap rollback: every store and bulk write reaches the heap
// journal, a rollback restores exactly the old bytes and globals, and runaway loops hit the limit.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';

import { WasmInstance } from '../../../src/localnet/host/heap.js';
import { instrument } from '../../../src/localnet/wasm/instrument.js';
import type { CompiledModule } from '../../../src/localnet/wasm/module_cache.js';

// A canister-like module: a mutable stack-pointer global, stores of every width, memory.fill and
// memory.copy, a loop, and a table call.
const WAT = `
(module
  (type $v (func))
  (memory (export "memory") 2)
  (global $sp (mut i32) (i32.const 1024))
  (table 1 funcref)
  (elem (i32.const 0) $write_all)
  (func $write_all
    (i32.store (i32.const 16) (i32.const 0x11223344))
    (i64.store offset=4096 (i32.const 0) (i64.const 0x0102030405060708))
    (f32.store (i32.const 8190) (f32.const 1.5))
    (i32.store8 (i32.const 70000) (i32.const 9))
    (i64.store16 (i32.const 3) (i64.const 0x7777))
    (memory.fill (i32.const 20000) (i32.const 0xAB) (i32.const 9000))
    (memory.copy (i32.const 40000) (i32.const 16) (i32.const 4))
    (global.set $sp (i32.const 5)))
  (func (export "via_table") (call_indirect (type $v) (i32.const 0)))
  (func (export "write_then_trap") (call $write_all) (unreachable))
  (func (export "spin") (loop $l (br $l)))
  ;; A store to a page already written, that runs on into a page not yet written; a parameter and a local of its
  ;; own come before the instrumentation's scratch locals.
  (func (export "cross_from_written_page") (param $at i32) (local $value i64)
    (i32.store8 (local.get $at) (i32.const 1))
    (local.set $value (i64.const -1))
    (i64.store offset=4 (local.get $at) (local.get $value))
    (unreachable)))
`;

function compile(): CompiledModule {
  const module = binaryen.parseText(WAT);
  module.setFeatures(binaryen.Features.BulkMemory | binaryen.Features.MutableGlobals);
  const original = module.emitBinary();
  module.dispose();
  const { wasm, mutableGlobals } = instrument(original);
  const compiled = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  return { hash: new Uint8Array(32), original, module: compiled, mutableGlobals, exports: new Set() };
}

describe('heap undo journal', () => {
  const compiled = compile();

  it('restores every byte a trapped message wrote, and the globals', () => {
    const instance = new WasmInstance(compiled, {});
    const before = instance.bytes.slice();
    instance.begin(1_000_000n);
    expect(() => (instance.export('write_then_trap') as () => void)()).toThrow(WebAssembly.RuntimeError);
    expect(instance.bytes[16]).toBe(0x44);
    expect(instance.bytes[20000]).toBe(0xab);
    instance.rollback();
    expect(Buffer.compare(instance.bytes, before)).toBe(0);
  });

  it('keeps committed writes and then rolls back only later ones', () => {
    const instance = new WasmInstance(compiled, {});
    instance.begin(1_000_000n);
    (instance.export('via_table') as () => void)();
    instance.commit();
    const committed = instance.bytes.slice();
    instance.begin(1_000_000n);
    instance.touchRange(100, 4);
    instance.bytes.set([1, 2, 3, 4], 100);
    instance.rollback();
    expect(Buffer.compare(instance.bytes, committed)).toBe(0);
    expect(new DataView(instance.bytes.buffer).getUint32(16, true)).toBe(0x11223344);
    expect(new DataView(instance.bytes.buffer).getBigUint64(4096, true)).toBe(0x0102030405060708n);
    expect(instance.bytes[70000]).toBe(9);
    expect(instance.bytes.subarray(40000, 40004)).toEqual(instance.bytes.subarray(16, 20));
  });

  it('journals the next page when a store to a written page runs on into it', () => {
    const instance = new WasmInstance(compiled, {});
    const before = instance.bytes.slice();
    instance.begin(1_000_000n);
    const at = 3 * 4096 - 8; // writes 3 * 4096 - 8 and then 3 * 4096 - 4 up to 3 * 4096 + 3
    expect(() => (instance.export('cross_from_written_page') as (at: number) => void)(at)).toThrow(WebAssembly.RuntimeError);
    expect(instance.bytes.subarray(3 * 4096, 3 * 4096 + 4)).toEqual(Uint8Array.of(255, 255, 255, 255));
    instance.rollback();
    expect(Buffer.compare(instance.bytes, before)).toBe(0);
  });

  it('counts instructions and traps a loop that passes the limit', () => {
    const instance = new WasmInstance(compiled, {});
    instance.begin(10_000n);
    expect(() => (instance.export('spin') as () => void)()).toThrow(WebAssembly.RuntimeError);
    expect(instance.limitExceeded).toBe(true);
    instance.begin(1_000_000n);
    (instance.export('via_table') as () => void)();
    expect(instance.instructions).toBeGreaterThan(10n);
    expect(instance.limitExceeded).toBe(false);
  });
});
