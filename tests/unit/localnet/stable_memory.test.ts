// Stable memory's undo journal: what a failed message wrote or grew disappears, committed data stays.
import { describe, expect, it } from 'vitest';

import { StableMemory, WASM_PAGE } from '../../../src/localnet/host/stable_memory.js';

function read(memory: StableMemory, offset: number, length: number): number[] {
  const out = new Uint8Array(length);
  memory.read(offset, length, out);
  return [...out];
}

describe('stable memory', () => {
  it('reads zeros where nothing was written and writes across page boundaries', () => {
    const memory = new StableMemory();
    expect(memory.grow(3)).toBe(0);
    memory.write(WASM_PAGE - 2, Uint8Array.of(1, 2, 3, 4));
    expect(read(memory, WASM_PAGE - 3, 6)).toEqual([0, 1, 2, 3, 4, 0]);
    expect(read(memory, 2 * WASM_PAGE, 2)).toEqual([0, 0]);
  });

  it('copies between given places of the heap and the pages, short runs and long ones, across a page boundary', () => {
    const memory = new StableMemory();
    memory.grow(3);
    const heap = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    for (const length of [1, 64, 65, 200]) {
      const offset = WASM_PAGE - 30;
      memory.write(offset, heap, 7, length);
      const into = new Uint8Array(length + 10).fill(0xee);
      memory.read(offset, length, into, 5);
      expect([...into.subarray(5, 5 + length)], `${length} bytes`).toEqual([...heap.subarray(7, 7 + length)]);
      expect([...into.subarray(0, 5), ...into.subarray(5 + length)]).toEqual(new Array(10).fill(0xee));
    }
    // A page never written reads as zeros, in place.
    const into = new Uint8Array(8).fill(9);
    memory.read(2 * WASM_PAGE + 10, 4, into, 2);
    expect([...into]).toEqual([9, 9, 0, 0, 0, 0, 9, 9]);
  });

  it('rolls back writes and growth of an uncommitted message, keeping committed ones', () => {
    const memory = new StableMemory();
    memory.grow(1);
    memory.write(10, Uint8Array.of(7, 7));
    memory.commit();
    memory.write(10, Uint8Array.of(9));
    expect(memory.grow(2)).toBe(1);
    memory.write(WASM_PAGE + 5, Uint8Array.of(5));
    memory.rollback();
    expect(memory.size).toBe(1);
    expect(read(memory, 10, 2)).toEqual([7, 7]);
    expect([...memory.entries()].map(([index]) => index)).toEqual([0]);
  });

  it('keeps every message’s data apart when undo copies are reused across commits and rollbacks', () => {
    const memory = new StableMemory();
    memory.grow(2);
    const fill = (value: number) => {
      memory.write(0, new Uint8Array(WASM_PAGE).fill(value));
      memory.write(WASM_PAGE, new Uint8Array(WASM_PAGE).fill(value + 100));
    };
    fill(1);
    memory.commit();
    for (let round = 2; round < 6; round++) {
      fill(round);
      memory.commit();
      fill(50 + round);
      memory.rollback();
      expect(read(memory, 0, 2)).toEqual([round, round]);
      expect(read(memory, WASM_PAGE - 1, 2)).toEqual([round, round + 100]);
      expect(read(memory, 2 * WASM_PAGE - 1, 1)).toEqual([round + 100]);
    }
    const pages = [...memory.entries()].map(([, page]) => page);
    expect(pages[0]).not.toBe(pages[1]);
  });

  it('refuses access past its size, as the System API traps', () => {
    const memory = new StableMemory();
    memory.grow(1);
    expect(() => memory.write(WASM_PAGE - 1, Uint8Array.of(1, 2))).toThrow(RangeError);
    expect(() => read(memory, WASM_PAGE, 1)).toThrow(RangeError);
  });
});
