// Instruction metering as the replica does it: each basic block is charged when it runs, with the
// replica's instruction costs, so a branch that is not taken costs nothing and a loop costs its body
// once per iteration.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';

import { WasmInstance } from '../../../src/localnet/host/heap.js';
import { instrument } from '../../../src/localnet/wasm/instrument.js';
import type { CompiledModule } from '../../../src/localnet/wasm/module_cache.js';

const LONG_BRANCH = Array(100).fill('(drop (i32.const 7))').join(' ');

const WAT = `
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func $leaf)
  (elem (i32.const 0) $leaf)
  (func (export "branch") (param $x i32) (result i32)
    (if (result i32) (local.get $x)
      (then (i32.const 1))
      (else ${LONG_BRANCH} (i32.const 2))))
  (func (export "spin") (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))
  (func (export "call_leaf") (call $leaf)))
`;

function compile(): CompiledModule {
  const module = binaryen.parseText(WAT);
  const original = module.emitBinary();
  module.dispose();
  const { wasm, mutableGlobals } = instrument(original);
  return {
    hash: new Uint8Array(32),
    original,
    module: new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>),
    mutableGlobals,
    exports: new Set(),
  };
}

function measure(instance: WasmInstance, name: string, ...args: number[]): bigint {
  instance.begin(1_000_000_000n);
  (instance.export(name) as (...a: number[]) => unknown)(...args);
  return instance.instructions;
}

describe('instruction metering', () => {
  const instance = new WasmInstance(compile(), {});

  it('charges only the branch that runs', () => {
    const short = measure(instance, 'branch', 1);
    const long = measure(instance, 'branch', 0);
    // The long branch is 100 x (i32.const, drop) plus its result: 201 instructions against 1.
    expect(long - short).toBe(200n);
    expect(short).toBeLessThan(10n);
  });

  it('charges a loop body once per iteration, with the replica costs (br_if costs 2)', () => {
    const perIteration = measure(instance, 'spin', 11) - measure(instance, 'spin', 10);
    // local.get, i32.const, i32.sub, local.set, local.get: 1 each; br_if: 2.
    expect(perIteration).toBe(7n);
    expect(measure(instance, 'spin', 1001) - measure(instance, 'spin', 1000)).toBe(perIteration);
  });

  it('charges a call 5 plus what the callee runs', () => {
    // call_leaf: the call (5); leaf: binaryen gives an empty function a nop (1).
    expect(measure(instance, 'call_leaf')).toBe(6n);
  });
});
