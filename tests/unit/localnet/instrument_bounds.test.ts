// The instrumentation's store and bulk-memory helpers trap out of bounds exactly where plain Wasm
// does, before writing anything; a start function no longer runs inside instantiation; a module
// without memory gets an empty one; and the module's imports are reported with their types.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';

import { WasmInstance } from '../../../src/localnet/host/heap.js';
import { EXPORT_START, instrument } from '../../../src/localnet/wasm/instrument.js';
import type { CompiledModule } from '../../../src/localnet/wasm/module_cache.js';

const WAT = `
(module
  (import "ic0" "stable64_read" (func $stable64_read (param i64 i64 i64)))
  (import "ic0" "time" (func $time (result i64)))
  (memory 1)
  (data (i32.const 100) "xyz")
  (global $started (mut i32) (i32.const 0))
  (func $start (global.set $started (i32.const 1)))
  (start $start)
  (func (export "started") (result i32) (global.get $started))
  ;; 0xfffffff0 + 32 wraps to 16 in 32 bits; Wasm computes it without wrapping, past any memory.
  (func (export "wrapping_store") (i32.store offset=32 (i32.const -16) (i32.const 42)))
  (func (export "wrapping_store8") (i32.store8 offset=4294967295 (i32.const 17) (i32.const 42)))
  (func (export "store_at") (param $addr i32) (i32.store (local.get $addr) (i32.const 42)))
  (func (export "fill") (param $dst i32) (param $n i32) (memory.fill (local.get $dst) (i32.const 7) (local.get $n)))
  (func (export "copy") (param $dst i32) (param $n i32) (memory.copy (local.get $dst) (i32.const 100) (local.get $n)))
  (func (export "init") (param $dst i32) (param $n i32) (memory.init 0 (local.get $dst) (i32.const 0) (local.get $n)))
  (func (export "read") (param $addr i32) (result i32) (i32.load8_u (local.get $addr))))
`;

function binary(wat: string): Uint8Array {
  const module = binaryen.parseText(wat);
  module.setFeatures(binaryen.Features.BulkMemory | binaryen.Features.MutableGlobals);
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

function load(wat: string): { plain: WebAssembly.Instance; instrumented: WasmInstance; imports: ReturnType<typeof instrument>['imports'] } {
  const original = binary(wat);
  const ic0 = { stable64_read: () => {}, time: () => 0n };
  const plain = new WebAssembly.Instance(new WebAssembly.Module(original as Uint8Array<ArrayBuffer>), { ic0 });
  const { wasm, mutableGlobals, imports } = instrument(original);
  const compiled: CompiledModule = {
    hash: new Uint8Array(32),
    original,
    module: new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>),
    mutableGlobals,
    exports: new Set(),
  };
  const instrumented = new WasmInstance(compiled, ic0);
  instrumented.begin(1_000_000n);
  return { plain, instrumented, imports };
}

describe('stores through the journal helpers', () => {
  const { plain, instrumented } = load(WAT);
  const call = (name: string, ...args: number[]) => (instrumented.export(name) as (...a: number[]) => unknown)(...args);

  it('trap where addr + offset passes 2^32, as plain Wasm does, instead of storing at the wrapped address', () => {
    expect(() => (plain.exports.wrapping_store as () => void)()).toThrow(/memory access out of bounds/);
    const before = instrumented.bytes.slice(0, 64);
    expect(() => call('wrapping_store')).toThrow(WebAssembly.RuntimeError);
    expect(() => call('wrapping_store')).toThrow(/memory access out of bounds/);
    expect(() => call('wrapping_store8')).toThrow(/memory access out of bounds/);
    expect(Buffer.compare(instrumented.bytes.slice(0, 64), before)).toBe(0);
  });

  it('still store anywhere inside the memory, up to its last byte', () => {
    call('store_at', 65532);
    expect(call('read', 65532)).toBe(42);
    expect(() => call('store_at', 65533)).toThrow(/memory access out of bounds/);
  });

  it('make memory.fill, memory.copy and memory.init trap before writing when dst + n passes the memory or 2^32', () => {
    const before = instrumented.bytes.slice();
    for (const op of ['fill', 'copy', 'init']) {
      expect(() => call(op, 65535, 2), op).toThrow(/memory access out of bounds/);
      expect(() => call(op, 0xfffffff0, 0x20), op).toThrow(/memory access out of bounds/);
      expect(() => call(op, 65536, 0), op).not.toThrow();
      expect(() => call(op, 65537, 0), op).toThrow(/memory access out of bounds/);
    }
    expect(Buffer.compare(instrumented.bytes, before)).toBe(0);
    call('fill', 65533, 3);
    call('copy', 200, 3);
    expect([call('read', 65535), call('read', 200)]).toEqual([7, 'x'.charCodeAt(0)]);
  });
});

describe('bulk memory helpers in a module with a declared maximum', () => {
  it('trap with the out-of-bounds trap of the memory when dst + n wraps, not on the page table of the journal', () => {
    const { instrumented } = load(WAT.replace('(memory 1)', '(memory 1 1)'));
    for (const op of ['fill', 'copy', 'init']) {
      expect(() => (instrumented.export(op) as (dst: number, n: number) => void)(0xfffffff0, 0x20), op).toThrow(
        /memory access out of bounds/,
      );
    }
  });
});

describe('the rewritten module', () => {
  it('does not run the start function at instantiation, but exports it to be run as an execution', () => {
    const { instrumented } = load(WAT);
    expect((instrumented.export('started') as () => number)()).toBe(0);
    (instrumented.export(EXPORT_START) as () => void)();
    expect((instrumented.export('started') as () => number)()).toBe(1);
  });

  it('gives a module without memory an empty one', () => {
    for (const wat of ['(module (func (export "f")))', '(module)']) {
      const { instrumented } = load(wat);
      expect(instrumented.bytes.length).toBe(0);
      expect(instrumented.snapshot().heap.length).toBe(0);
    }
  });

  it('reports the imports with their types, written as the spec writes them', () => {
    expect(load(WAT).imports).toEqual([
      { module: 'ic0', name: 'stable64_read', kind: 'function', type: '(i64, i64, i64) -> ()' },
      { module: 'ic0', name: 'time', kind: 'function', type: '() -> i64' },
    ]);
  });
});
