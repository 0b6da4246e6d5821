// Rewrites a canister module so the host can run it under IC semantics, as the replica's own
// instrumentation does:
// - exports the memory, the function table (callbacks are table indices) and every mutable global
//   (the stack pointer must be restored after a trap); a module without memory gets an empty one;
// - turns the start function into an export, so that it runs as an execution of its own (metered,
//   and a trap in it fails the installation) instead of inside WebAssembly instantiation;
// - reports each 4 KiB page the first time a message writes it, so the host keeps an undo journal of
//   heap pages instead of copying memory: a store checks the page table inline (a page already written
//   costs a few instructions, the store itself is the original one) and calls a helper otherwise; bulk
//   memory writes go through helpers that trap out of bounds exactly where the original would, before
//   any write;
// - counts instructions per basic block executed, as the replica's instrumentation does (it charges
//   each block's length at the block's start), and traps past a limit, checked at each loop iteration.
import { Reader, Writer } from './leb128.js';

export const PAGE_SHIFT = 12;
export const EXPORT_MEMORY = '__localnet_memory';
export const EXPORT_TABLE = '__localnet_table';
export const EXPORT_START = '__localnet_start';
export const EXPORT_DIRTY = '__localnet_dirty';
export const EXPORT_MARKER = '__localnet_marker';
export const EXPORT_COUNTER = '__localnet_instructions';
export const EXPORT_LIMIT = '__localnet_limit';
export const GLOBAL_PREFIX = '__localnet_global_';
export const JOURNAL_MODULE = 'localnet';

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;

// Store opcodes: value type, width in bytes.
const STORES: Record<number, [number, number]> = {
  0x36: [I32, 4],
  0x37: [I64, 8],
  0x38: [F32, 4],
  0x39: [F64, 8],
  0x3a: [I32, 1],
  0x3b: [I32, 2],
  0x3c: [I64, 1],
  0x3d: [I64, 2],
  0x3e: [I64, 4],
};

/** An import of the original module; functions carry their type, written like `(i32, i32) -> ()`. */
export type ModuleImport = { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global'; type?: string };

export type InstrumentedModule = {
  wasm: Uint8Array;
  /** Indices of the module's own mutable globals, exported as GLOBAL_PREFIX + index. */
  mutableGlobals: number[];
  /** What the original module imports, for the host to check against what it provides. */
  imports: ModuleImport[];
};

type Section = { id: number; body: Uint8Array };

// Known sections in the order the binary format requires (12, data count, precedes code).
const SECTION_ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

/**
 * Reads the sections, adding empty ones the instrumentation appends to (types, imports, functions,
 * tables, globals, exports, code).
 */
function readSections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: r.take(size) });
  }
  for (const id of [1, 2, 3, 4, 6, 7, 10]) {
    if (!sections.some((s) => s.id === id)) insertSection(sections, id, Uint8Array.of(0));
  }
  return sections;
}

function insertSection(sections: Section[], id: number, body: Uint8Array): void {
  const rank = SECTION_ORDER.indexOf(id);
  const at = sections.findIndex((s) => s.id !== 0 && SECTION_ORDER.indexOf(s.id) > rank);
  sections.splice(at < 0 ? sections.length : at, 0, { id, body });
}

type Layout = {
  typeCount: number;
  funcImports: number;
  globalImports: number;
  definedFuncs: number;
  tableCount: number;
  globalTypes: { type: number; mutable: boolean }[];
  memoryMaxPages: number;
  hasMemory: boolean;
  startFunc: number | null;
  imports: ModuleImport[];
  /** The number of parameters of each function the module defines (its first locals). */
  definedParams: number[];
};

const IMPORT_KINDS = ['function', 'table', 'memory', 'global'] as const;

const VALUE_TYPES: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

/** Reads a function type and writes it as the spec writes System API types: `(i64, i32) -> i64`. */
function readFuncType(r: Reader): string {
  const form = r.byte();
  if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
  const list = () =>
    Array.from({ length: r.u32() }, () => {
      const code = r.byte();
      const type = VALUE_TYPES[code];
      if (!type) throw new Error(`unsupported value type 0x${code.toString(16)}`);
      return type;
    });
  const params = list();
  const results = list();
  return `(${params.join(', ')}) -> ${results.length === 1 ? results[0] : `(${results.join(', ')})`}`;
}

function survey(sections: Section[]): Layout {
  const layout: Layout = {
    typeCount: 0,
    funcImports: 0,
    globalImports: 0,
    definedFuncs: 0,
    tableCount: 0,
    globalTypes: [],
    memoryMaxPages: 65536,
    hasMemory: false,
    startFunc: null,
    imports: [],
    definedParams: [],
  };
  const types: string[] = [];
  for (const s of sections) {
    const r = new Reader(s.body);
    if (s.id === 1) {
      layout.typeCount = r.u32();
      for (let i = 0; i < layout.typeCount; i++) types.push(readFuncType(r));
    }
    if (s.id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind > 3) throw new Error(`unsupported import kind ${kind}`);
        layout.imports.push({ module, name, kind: IMPORT_KINDS[kind] });
        if (kind === 0) {
          layout.imports[i].type = types[r.u32()];
          layout.funcImports++;
        } else if (kind === 1) {
          r.byte();
          readLimits(r);
          layout.tableCount++;
        } else if (kind === 2) {
          const limits = readLimits(r);
          if (limits.max !== undefined) layout.memoryMaxPages = limits.max;
          layout.hasMemory = true;
        } else {
          r.byte();
          r.byte();
          layout.globalImports++;
        }
      }
    }
    if (s.id === 3) {
      layout.definedFuncs = r.u32();
      for (let i = 0; i < layout.definedFuncs; i++) layout.definedParams.push(paramCount(types[r.u32()]));
    }
    if (s.id === 4) layout.tableCount += r.u32();
    if (s.id === 5 && r.u32() > 0) {
      const limits = readLimits(r);
      if (limits.max !== undefined) layout.memoryMaxPages = limits.max;
      layout.hasMemory = true;
    }
    if (s.id === 8) layout.startFunc = r.u32();
    if (s.id === 6) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const type = r.byte();
        const mutable = r.byte() === 1;
        layout.globalTypes.push({ type, mutable });
        skipExpr(r);
      }
    }
  }
  return layout;
}

/** Counts the parameters of a type written by readFuncType. */
function paramCount(type: string): number {
  const params = type.slice(1, type.indexOf(')'));
  return params === '' ? 0 : params.split(', ').length;
}

function readLimits(r: Reader): { min: number; max?: number } {
  const flag = r.byte();
  const min = r.u32();
  return flag & 1 ? { min, max: r.u32() } : { min };
}

function skipExpr(r: Reader): void {
  const sink = new Writer();
  copyInstructions(r, sink, { shiftFunc: (i) => i, onStore: null, onLoop: null, onBlock: null, onBulk: null }, true);
}

type RewriteHooks = {
  shiftFunc: (index: number) => number;
  /** Replaces a store; receives the opcode and its memarg (alignment and offset). */
  onStore: ((w: Writer, opcode: number, align: number, offset: number) => void) | null;
  /** Called right after a `loop` header was written; returns the counter position to patch. */
  onLoop: ((w: Writer) => number) | null;
  /** Called where any other basic block begins; returns the counter position to patch. */
  onBlock: ((w: Writer) => number) | null;
  /** Replaces memory.copy / memory.fill / memory.init (sub-opcode 10 / 11 / 8). */
  onBulk: ((w: Writer, sub: number, dataIndex: number) => void) | null;
};

const NO_IMMEDIATES = new Set([0x00, 0x01, 0x05, 0x0f, 0x1a, 0x1b, 0xd1]);

/** Instruction costs that differ from 1, from the replica's table (embedders' instruction_to_cost). */
const COSTS = new Map<number, number>([
  // block, loop, else, end only mark code blocks.
  [0x02, 0],
  [0x03, 0],
  [0x05, 0],
  [0x0b, 0],
  // if, br, br_if, br_table; call, call_indirect
  [0x04, 2],
  [0x0c, 2],
  [0x0d, 2],
  [0x0e, 2],
  [0x10, 5],
  [0x11, 10],
  // global.get/set, table.get/set, memory.size, memory.grow
  [0x23, 2],
  [0x24, 2],
  [0x25, 5],
  [0x26, 5],
  [0x3f, 20],
  [0x40, 300],
  // integer division and remainder
  [0x6d, 10],
  [0x6e, 10],
  [0x6f, 10],
  [0x70, 10],
  [0x7f, 10],
  [0x80, 10],
  [0x81, 10],
  [0x82, 10],
  // float comparisons
  ...[0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66].map((op) => [op, 3] as [number, number]),
  // f32 and f64: ceil, floor, trunc, nearest, sqrt, add, sub, mul, div, min, max, copysign
  [0x8d, 2],
  [0x8e, 2],
  [0x8f, 2],
  [0x90, 2],
  [0x91, 5],
  [0x92, 2],
  [0x93, 2],
  [0x94, 2],
  [0x95, 3],
  [0x96, 18],
  [0x97, 18],
  [0x98, 2],
  [0x9b, 2],
  [0x9c, 2],
  [0x9d, 2],
  [0x9e, 2],
  [0x9f, 8],
  [0xa0, 2],
  [0xa1, 2],
  [0xa2, 2],
  [0xa3, 5],
  [0xa4, 18],
  [0xa5, 18],
  [0xa6, 3],
  // float to integer truncations; integer to float conversions (unsigned ones are dearer)
  ...[0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1].map((op) => [op, 20] as [number, number]),
  [0xb2, 3],
  [0xb3, 16],
  [0xb4, 3],
  [0xb5, 16],
  [0xb7, 3],
  [0xb8, 16],
  [0xb9, 3],
  [0xba, 16],
  // ref.is_null, ref.func
  [0xd1, 5],
  [0xd2, 130],
]);

/** Costs of the 0xfc instructions: saturating truncations, then bulk memory and table operations. */
function prefixedCost(sub: number): number {
  if (sub <= 7) return 20;
  if (sub === 9 || sub === 13 || sub === 15) return 300; // data.drop, elem.drop, table.grow
  return 100; // memory.init/copy/fill, table.init/copy/fill/size
}

/**
 * Copies instructions from r to w until the `end` that closes the current block (depth 0), and
 * returns the cost of the function's first basic block (the caller charges it at the function entry).
 * Basic blocks are cut where the replica's instrumentation cuts them: a new one begins inside each
 * `loop` (charged, with the limit check, on every iteration) and `if`, and after each `else`, `end`,
 * branch, `return` and `unreachable`. Instructions cost what the replica's table says (COSTS; the
 * markers `block`, `loop`, `else` and `end` cost nothing). A block's counter is written just before
 * its first instruction with a cost and patched with the block's cost once it is read, so empty
 * blocks get no counter.
 * Decodes every immediate, since byte values inside immediates must not be taken as opcodes.
 */
function copyInstructions(r: Reader, w: Writer, hooks: RewriteHooks, expr = false): number {
  let depth = 0;
  // The block being read: where its counter is (ENTRY: the caller's, NONE: not written yet) and its cost.
  const ENTRY = -1;
  const NONE = -2;
  let counterAt = ENTRY;
  let cost = 0;
  let entryCost = 0;
  // The counter the current block gets once it has an instruction with a cost.
  let pending = null as ((w: Writer) => number) | null;
  const begin = (hook: ((w: Writer) => number) | null) => {
    if (!hook) return;
    if (counterAt === ENTRY) entryCost = cost;
    else if (counterAt !== NONE) w.patchPaddedU32(counterAt, cost);
    counterAt = NONE;
    cost = 0;
    pending = hook;
  };
  for (;;) {
    const start = r.pos;
    const op = r.byte();
    const opCost = op === 0xfc ? prefixedCost(r.bytes[r.pos]) : (COSTS.get(op) ?? 1);
    if (opCost > 0) {
      if (pending) {
        counterAt = pending(w);
        pending = null;
      }
      cost += opCost;
    }
    switch (op) {
      case 0x02: // block
      case 0x03: // loop
      case 0x04: // if
        r.s33();
        w.bytes(r.bytes.subarray(start, r.pos));
        depth++;
        if (op !== 0x02) begin(op === 0x03 ? hooks.onLoop : hooks.onBlock);
        continue;
      case 0x0b: // end
        w.byte(op);
        if (depth === 0) {
          begin(hooks.onBlock); // patches the last block's counter
          return counterAt === ENTRY ? cost : entryCost;
        }
        depth--;
        begin(hooks.onBlock);
        continue;
      case 0x05: // else
      case 0x00: // unreachable
      case 0x0f: // return
        w.byte(op);
        begin(hooks.onBlock);
        continue;
      case 0x0c: // br
      case 0x0d: // br_if
        r.u32();
        w.bytes(r.bytes.subarray(start, r.pos));
        begin(hooks.onBlock);
        continue;
      case 0x0e: {
        // br_table
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        w.bytes(r.bytes.subarray(start, r.pos));
        begin(hooks.onBlock);
        continue;
      }
      case 0x20:
      case 0x21:
      case 0x22: // local.get/set/tee
      case 0x23:
      case 0x24: // global.get/set
      case 0x25:
      case 0x26: // table.get/set
        r.u32();
        break;
      case 0x10: // call
      case 0xd2: {
        // ref.func
        const target = r.u32();
        w.byte(op).u32(hooks.shiftFunc(target));
        continue;
      }
      case 0x11: // call_indirect
        r.u32();
        r.u32();
        break;
      case 0x1c: {
        // select with types
        const n = r.u32();
        r.take(n);
        break;
      }
      case 0x41:
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.take(4);
        break;
      case 0x44:
        r.take(8);
        break;
      case 0x3f:
      case 0x40: // memory.size, memory.grow
      case 0xd0: // ref.null
        r.byte();
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub === 8) {
          const data = r.u32();
          r.byte();
          if (hooks.onBulk) {
            hooks.onBulk(w, sub, data);
            continue;
          }
        } else if (sub === 9 || (sub >= 13 && sub <= 17)) r.u32();
        else if (sub === 12 || sub === 14) {
          r.u32();
          r.u32();
        } else if (sub === 10 || sub === 11) {
          r.take(sub === 10 ? 2 : 1);
          if (hooks.onBulk) {
            hooks.onBulk(w, sub, 0);
            continue;
          }
        } else if (sub > 7) throw new Error(`unsupported instruction 0xfc ${sub}`);
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) {
          const align = r.u32();
          const offset = r.u32();
          if (STORES[op] && hooks.onStore) {
            hooks.onStore(w, op, align, offset);
            continue;
          }
        } else if (!NO_IMMEDIATES.has(op) && !(op >= 0x45 && op <= 0xc4)) {
          throw new Error(`unsupported instruction 0x${op.toString(16)}${expr ? ' in a constant expression' : ''}`);
        }
    }
    w.bytes(r.bytes.subarray(start, r.pos));
  }
}

function section(id: number, body: Uint8Array): Uint8Array {
  return new Writer().byte(id).u32(body.length).bytes(body).finish();
}

/** Instruments a canister module; see the comment at the top of this file. */
export function instrument(original: Uint8Array): InstrumentedModule {
  const sections = readSections(original);
  const layout = survey(sections);
  if (!layout.hasMemory) {
    // One memory of 0 pages: what the replica gives a module without memory, and the host's heap
    // view, journal and snapshots then need no special case.
    const memory = Uint8Array.of(1, 0x01, 0, 0);
    const empty = sections.find((s) => s.id === 5); // a memory section may declare no memory
    if (empty) empty.body = memory;
    else insertSection(sections, 5, memory);
    layout.memoryMaxPages = 0;
  }

  // New indices appended after the module's own.
  const tTouch = layout.typeCount; // (i32) -> ()
  const tCheck = tTouch + 1; // (i32 addr, i32 len) -> ()
  const tTriple = tTouch + 2; // (i32, i32, i32) -> (): memory.copy/fill/init
  const touchFunc = layout.funcImports; // the new import takes the first defined index
  const shiftFunc = (i: number) => (i >= layout.funcImports ? i + 1 : i);
  const firstHelper = layout.funcImports + 1 + layout.definedFuncs;
  const dirtyTable = layout.tableCount;
  const counterGlobal = layout.globalImports + layout.globalTypes.length;
  const limitGlobal = counterGlobal + 1;

  const helpers: { type: number; body: Uint8Array; name?: string }[] = [];
  const checkFunc = firstHelper;
  helpers.push({ type: tCheck, body: checkBody(dirtyTable, touchFunc) });
  const copyFunc = firstHelper + helpers.length;
  helpers.push({ type: tTriple, body: bulkBody(checkFunc, [0xfc, 10, 0, 0]) });
  const fillFunc = firstHelper + helpers.length;
  helpers.push({ type: tTriple, body: bulkBody(checkFunc, [0xfc, 11, 0]) });
  const initFuncs = new Map<number, number>();
  const markerFunc = firstHelper + helpers.length;
  helpers.push({ type: tTouch, body: Uint8Array.of(0, 0x0b), name: EXPORT_MARKER });

  const counterCode = (w: Writer) => {
    w.byte(0x23).u32(counterGlobal).byte(0x42);
    const at = w.paddedU32(0);
    w.byte(0x7c).byte(0x24).u32(counterGlobal);
    return at;
  };
  const limitCheck = (w: Writer) => {
    // if (counter > limit) unreachable
    w.byte(0x23).u32(counterGlobal).byte(0x23).u32(limitGlobal).byte(0x56).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
  };

  const out: Uint8Array[] = [original.subarray(0, 8)];
  const pendingInitHelpers: number[] = [];
  let codeSection: Uint8Array | null = null;

  for (const s of sections) {
    const r = new Reader(s.body);
    switch (s.id) {
      case 0: {
        // The name section would name the wrong functions once indices shift.
        out.push(new Reader(s.body).name() === 'name' ? new Uint8Array(0) : section(0, s.body));
        continue;
      }
      case 1: {
        const w = new Writer().u32(r.u32() + 3).bytes(s.body.subarray(r.pos));
        w.byte(0x60).u32(1).byte(I32).u32(0);
        w.byte(0x60).u32(2).byte(I32).byte(I32).u32(0);
        w.byte(0x60).u32(3).byte(I32).byte(I32).byte(I32).u32(0);
        out.push(section(1, w.finish()));
        continue;
      }
      case 2: {
        const w = new Writer().u32(r.u32() + 1).bytes(s.body.subarray(r.pos));
        w.name(JOURNAL_MODULE).name('touch').byte(0).u32(tTouch);
        out.push(section(2, w.finish()));
        continue;
      }
      case 3:
        // Written after the code section is rewritten, when the helper list is complete.
        out.push(new Uint8Array(0));
        continue;
      case 4: {
        const w = new Writer().u32(r.u32() + 1).bytes(s.body.subarray(r.pos));
        const entries = (layout.memoryMaxPages << (16 - PAGE_SHIFT)) >>> 0;
        w.byte(0x70).byte(0x01).u32(entries).u32(entries);
        out.push(section(4, w.finish()));
        continue;
      }
      case 6: {
        const n = r.u32();
        const w = new Writer().u32(n + 2);
        for (let i = 0; i < n; i++) {
          w.byte(r.byte()).byte(r.byte());
          copyInstructions(r, w, { shiftFunc, onStore: null, onLoop: null, onBlock: null, onBulk: null }, true);
        }
        w.byte(I64).byte(1).byte(0x42).i64(0n).byte(0x0b);
        w.byte(I64).byte(1).byte(0x42).i64(-1n).byte(0x0b);
        out.push(section(6, w.finish()));
        continue;
      }
      case 7: {
        const n = r.u32();
        const entries = new Writer();
        let count = n;
        for (let i = 0; i < n; i++) {
          const name = r.name();
          const kind = r.byte();
          const index = r.u32();
          entries
            .name(name)
            .byte(kind)
            .u32(kind === 0 ? shiftFunc(index) : index);
        }
        const add = (name: string, kind: number, index: number) => {
          entries.name(name).byte(kind).u32(index);
          count++;
        };
        add(EXPORT_MEMORY, 2, 0);
        add(EXPORT_TABLE, 1, 0);
        if (layout.startFunc !== null) add(EXPORT_START, 0, shiftFunc(layout.startFunc));
        add(EXPORT_DIRTY, 1, dirtyTable);
        add(EXPORT_MARKER, 0, markerFunc);
        add(EXPORT_COUNTER, 3, counterGlobal);
        add(EXPORT_LIMIT, 3, limitGlobal);
        layout.globalTypes.forEach((g, i) => {
          if (g.mutable) add(GLOBAL_PREFIX + (layout.globalImports + i), 3, layout.globalImports + i);
        });
        out.push(section(7, new Writer().u32(count).bytes(entries.finish()).finish()));
        continue;
      }
      case 8:
        // The start function is exported instead (see the top of this file).
        out.push(new Uint8Array(0));
        continue;
      case 9:
        out.push(section(9, rewriteElements(r, shiftFunc)));
        continue;
      case 10: {
        const n = r.u32();
        const w = new Writer();
        // The function being rewritten: the index of its first scratch local, and whether a store used them.
        let scratch = 0;
        let stored = false;
        const hooks: RewriteHooks = {
          shiftFunc,
          onStore: (w, op, align, offset) => {
            storeBarrier(w, op, align, offset, scratch, dirtyTable, checkFunc);
            stored = true;
          },
          onLoop: (w) => {
            const at = counterCode(w);
            limitCheck(w);
            return at;
          },
          onBlock: counterCode,
          onBulk: (w, sub, data) => {
            if (sub === 10) w.byte(0x10).u32(copyFunc);
            else if (sub === 11) w.byte(0x10).u32(fillFunc);
            else {
              let f = initFuncs.get(data);
              if (f === undefined) {
                f = firstHelper + helpers.length + pendingInitHelpers.length;
                initFuncs.set(data, f);
                pendingInitHelpers.push(data);
              }
              w.byte(0x10).u32(f);
            }
          },
        };
        const bodies = new Writer();
        for (let i = 0; i < n; i++) {
          const size = r.u32();
          const end = r.pos + size;
          const locals = new Writer();
          const groups = r.u32();
          scratch = layout.definedParams[i];
          for (let l = 0; l < groups; l++) {
            const count = r.u32();
            locals.u32(count).byte(r.byte());
            scratch += count;
          }
          stored = false;
          const code = new Writer();
          const entry = counterCode(code);
          code.patchPaddedU32(entry, copyInstructions(r, code, hooks));
          if (r.pos !== end) throw new Error(`function ${i}: decoded ${r.pos} but body ends at ${end}`);
          const body = new Writer();
          if (stored)
            body
              .u32(groups + SCRATCH_LOCALS.length)
              .bytes(locals.finish())
              .bytes(SCRATCH_LOCALS_DECL);
          else body.u32(groups).bytes(locals.finish());
          const bytes = body.bytes(code.finish()).finish();
          bodies.u32(bytes.length).bytes(bytes);
        }
        for (const data of pendingInitHelpers) {
          helpers.push({ type: tTriple, body: bulkBody(checkFunc, [0xfc, 8, ...leb(data), 0]) });
        }
        for (const h of helpers) bodies.u32(h.body.length).bytes(h.body);
        w.u32(n + helpers.length).bytes(bodies.finish());
        codeSection = section(10, w.finish());
        out.push(codeSection);
        continue;
      }
      default:
        out.push(section(s.id, s.body));
    }
  }

  // Function section: the module's own entries plus one per helper.
  const fIndex = sections.findIndex((s) => s.id === 3);
  const fr = new Reader(sections[fIndex].body);
  const fw = new Writer().u32(fr.u32() + helpers.length).bytes(sections[fIndex].body.subarray(fr.pos));
  for (const h of helpers) fw.u32(h.type);
  out[fIndex + 1] = section(3, fw.finish());

  const total = out.reduce((n, b) => n + b.length, 0);
  const wasm = new Uint8Array(total);
  let offset = 0;
  for (const b of out) {
    wasm.set(b, offset);
    offset += b.length;
  }
  const mutableGlobals = layout.globalTypes.flatMap((g, i) => (g.mutable ? [layout.globalImports + i] : []));
  return { wasm, mutableGlobals, imports: layout.imports };
}

function leb(value: number): number[] {
  return Array.from(new Writer().u32(value).finish());
}

function rewriteElements(r: Reader, shiftFunc: (i: number) => number): Uint8Array {
  const n = r.u32();
  const w = new Writer().u32(n);
  const plain: RewriteHooks = { shiftFunc, onStore: null, onLoop: null, onBlock: null, onBulk: null };
  for (let i = 0; i < n; i++) {
    const flags = r.u32();
    w.u32(flags);
    if (flags & 2 && !(flags & 1)) w.u32(r.u32()); // explicit table index
    if (!(flags & 1)) copyInstructions(r, w, plain, true); // active: offset expression
    if (flags & 3) w.byte(r.byte()); // elemkind or reftype
    const count = r.u32();
    w.u32(count);
    for (let j = 0; j < count; j++) {
      if (flags & 4) copyInstructions(r, w, plain, true);
      else w.u32(shiftFunc(r.u32()));
    }
  }
  return w.finish();
}

// Helper bodies. Locals are declared after the parameters.

/** check(addr, len): reports each page in [addr, addr + len) not yet written by this message. */
function checkBody(dirtyTable: number, touchFunc: number): Uint8Array {
  const w = new Writer();
  w.u32(1).u32(2).byte(I32); // locals 2 = page, 3 = last page
  // if len == 0 return
  w.byte(0x20).u32(1).byte(0x45).byte(0x04).byte(0x40).byte(0x0f).byte(0x0b);
  // page = addr >> SHIFT
  w.byte(0x20).u32(0).byte(0x41).i32(PAGE_SHIFT).byte(0x76).byte(0x21).u32(2);
  // last = (addr + len - 1) >> SHIFT
  w.byte(0x20).u32(0).byte(0x20).u32(1).byte(0x6a).byte(0x41).i32(1).byte(0x6b);
  w.byte(0x41).i32(PAGE_SHIFT).byte(0x76).byte(0x21).u32(3);
  // loop: if table[page] is null, touch(page); page++; continue while page <= last
  w.byte(0x03).byte(0x40);
  w.byte(0x20).u32(2).byte(0x25).u32(dirtyTable).byte(0xd1).byte(0x04).byte(0x40);
  w.byte(0x20).u32(2).byte(0x10).u32(touchFunc).byte(0x0b);
  w.byte(0x20).u32(2).byte(0x41).i32(1).byte(0x6a).byte(0x22).u32(2);
  w.byte(0x20).u32(3).byte(0x4d).byte(0x0d).u32(0);
  w.byte(0x0b).byte(0x0b);
  return w.finish();
}

/**
 * Traps with the out-of-bounds trap of a real access: a load at (-1) + 0xffffffff, which no 32-bit
 * memory reaches.
 */
function outOfBounds(w: Writer): void {
  w.byte(0x41).i32(-1).byte(0x2d).u32(0).u32(0xffffffff).byte(0x1a); // i32.load8_u, drop
}

/**
 * The scratch locals a function with stores gets after its own: address, effective address and one value of
 * each type. Groups of (count, type), written as a locals declaration.
 */
const SCRATCH_LOCALS: [number, number][] = [
  [3, I32],
  [1, I64],
  [1, F32],
  [1, F64],
];
const SCRATCH_LOCALS_DECL = Uint8Array.from(SCRATCH_LOCALS.flat()); // counts below 128 are one LEB byte
const SCRATCH_VALUE: Record<number, number> = { [I32]: 2, [I64]: 3, [F32]: 4, [F64]: 5 };

/**
 * A store, with the stack holding its address and value, rewritten so that a write to a page this message has
 * already written (the dirty table holds the marker for it) and that stays within the page costs a few inline
 * instructions; anything else calls check(ea, width) first. The original store then runs with its own memarg, so
 * an address past the memory, or an address plus offset past 2^32, traps exactly where it did, before any write
 * (check only journals pages, which undoing the message restores).
 */
function storeBarrier(w: Writer, op: number, align: number, offset: number, scratch: number, dirtyTable: number, checkFunc: number): void {
  const [valueType, width] = STORES[op];
  const [addr, ea, value] = [scratch, scratch + 1, scratch + SCRATCH_VALUE[valueType]];
  w.byte(0x21).u32(value).byte(0x22).u32(addr);
  // ea = addr + offset (wrapping, harmlessly: the store below traps then)
  w.byte(0x41)
    .i32(offset | 0)
    .byte(0x6a)
    .byte(0x22)
    .u32(ea);
  // if (dirty[ea >> SHIFT] is null | (ea & (PAGE - 1)) > PAGE - width) check(ea, width)
  w.byte(0x41).i32(PAGE_SHIFT).byte(0x76).byte(0x25).u32(dirtyTable).byte(0xd1);
  w.byte(0x20)
    .u32(ea)
    .byte(0x41)
    .i32((1 << PAGE_SHIFT) - 1)
    .byte(0x71)
    .byte(0x41)
    .i32((1 << PAGE_SHIFT) - width)
    .byte(0x4b);
  w.byte(0x72).byte(0x04).byte(0x40);
  w.byte(0x20).u32(ea).byte(0x41).i32(width).byte(0x10).u32(checkFunc);
  w.byte(0x0b);
  w.byte(0x20).u32(addr).byte(0x20).u32(value).byte(op).u32(align).u32(offset);
}

/**
 * copy(dst, src, n) / fill(dst, value, n) / init(dst, src, n): check [dst, dst + n), then run the op.
 * A destination range past the memory traps first, as the op itself would before writing anything
 * (the sum is taken in 64 bits, so it cannot wrap to a small address).
 */
function bulkBody(checkFunc: number, opBytes: number[]): Uint8Array {
  const w = new Writer();
  w.u32(0);
  // if (u64(dst) + u64(n) > u64(memory.size) << 16) trap
  w.byte(0x20).u32(0).byte(0xad).byte(0x20).u32(2).byte(0xad).byte(0x7c);
  w.byte(0x3f).byte(0x00).byte(0xad).byte(0x42).i64(16n).byte(0x86);
  w.byte(0x56).byte(0x04).byte(0x40);
  outOfBounds(w);
  w.byte(0x0b);
  w.byte(0x20).u32(0).byte(0x20).u32(2).byte(0x10).u32(checkFunc);
  w.byte(0x20).u32(0).byte(0x20).u32(1).byte(0x20).u32(2);
  for (const b of opBytes) w.byte(b);
  w.byte(0x0b);
  return w.finish();
}
