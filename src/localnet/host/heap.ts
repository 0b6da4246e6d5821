// A running instance of a canister module and its heap undo journal: the instrumented module
// reports the first write to each 4 KiB page in a message, and the journal keeps that page's old
// bytes, so rolling back restores just those pages (and the mutable globals) instead of a copy of
// the whole heap.
import type { CompiledModule } from '../wasm/module_cache.js';
import {
  EXPORT_COUNTER,
  EXPORT_DIRTY,
  EXPORT_LIMIT,
  EXPORT_MARKER,
  EXPORT_MEMORY,
  EXPORT_TABLE,
  GLOBAL_PREFIX,
  JOURNAL_MODULE,
  PAGE_SHIFT,
} from '../wasm/instrument.js';

const PAGE = 1 << PAGE_SHIFT;
// A trivial Azle update writes about 140 pages; the journal starts with room for that.
const INITIAL_JOURNAL_PAGES = 256;
const MAX_IDLE_JOURNAL_PAGES = 4096;

export class WasmInstance {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  readonly table: WebAssembly.Table;
  private readonly dirty: WebAssembly.Table;
  private readonly marker: Function;
  private readonly counter: WebAssembly.Global;
  private readonly limit: WebAssembly.Global;
  private readonly globals: WebAssembly.Global[];
  /** The old bytes of each page this message wrote, back to back, in the order of journalPages. */
  private journal = new Uint8Array(INITIAL_JOURNAL_PAGES * PAGE);
  private journalPages: number[] = [];
  private view: Uint8Array;
  private savedGlobals: bigint[] | number[] = [];

  constructor(
    readonly compiled: CompiledModule,
    ic0: WebAssembly.ModuleImports,
  ) {
    this.instance = new WebAssembly.Instance(compiled.module, {
      ic0,
      [JOURNAL_MODULE]: { touch: (page: number) => this.touch(page) },
    });
    const e = this.instance.exports;
    this.memory = e[EXPORT_MEMORY] as WebAssembly.Memory;
    this.table = e[EXPORT_TABLE] as WebAssembly.Table;
    this.dirty = e[EXPORT_DIRTY] as WebAssembly.Table;
    this.marker = e[EXPORT_MARKER] as Function;
    this.counter = e[EXPORT_COUNTER] as WebAssembly.Global;
    this.limit = e[EXPORT_LIMIT] as WebAssembly.Global;
    this.globals = compiled.mutableGlobals.map((i) => e[GLOBAL_PREFIX + i] as WebAssembly.Global);
    this.view = new Uint8Array(this.memory.buffer);
    this.begin(0n);
  }

  /** The heap; the view is cached (a journal write is on the hot path) and renewed after memory.grow. */
  get bytes(): Uint8Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Uint8Array(this.memory.buffer);
    return this.view;
  }

  export(name: string): Function | undefined {
    return this.instance.exports[name] as Function | undefined;
  }

  private touch(page: number): void {
    const start = page * PAGE;
    const bytes = this.bytes;
    if (start >= bytes.length) return; // the store itself traps out of bounds
    const at = this.journalPages.length * PAGE;
    if (at + PAGE > this.journal.length) {
      const grown = new Uint8Array(this.journal.length * 2);
      grown.set(this.journal);
      this.journal = grown;
    }
    this.journal.set(bytes.subarray(start, start + PAGE), at);
    this.journalPages.push(page);
    this.dirty.set(page, this.marker);
  }

  /** Journals a range that the host itself is about to write (ic0 *_copy functions). */
  touchRange(addr: number, length: number): void {
    if (length <= 0) return;
    for (let page = addr >>> PAGE_SHIFT; page <= (addr + length - 1) >>> PAGE_SHIFT; page++) {
      if (this.dirty.get(page) === null) this.touch(page);
    }
  }

  /** Starts a message: sets the instruction limit and remembers the globals. */
  begin(instructionLimit: bigint): void {
    this.counter.value = 0n;
    this.limit.value = instructionLimit;
    this.savedGlobals = this.globals.map((g) => g.value);
  }

  get instructions(): bigint {
    return this.counter.value as bigint;
  }

  get limitExceeded(): boolean {
    return (this.counter.value as bigint) > (this.limit.value as bigint);
  }

  commit(): void {
    this.clearJournal();
    this.savedGlobals = this.globals.map((g) => g.value);
  }

  rollback(): void {
    const bytes = this.bytes;
    this.journalPages.forEach((page, i) => bytes.set(this.journal.subarray(i * PAGE, (i + 1) * PAGE), page * PAGE));
    this.clearJournal();
    this.globals.forEach((g, i) => (g.value = this.savedGlobals[i]));
  }

  private clearJournal(): void {
    for (const page of this.journalPages) this.dirty.set(page, null);
    this.journalPages.length = 0;
    // A message that wrote a large part of the heap should not keep its journal's memory.
    if (this.journal.length > MAX_IDLE_JOURNAL_PAGES * PAGE) this.journal = new Uint8Array(INITIAL_JOURNAL_PAGES * PAGE);
  }

  /** The heap and globals, for persistence. */
  snapshot(): { heap: Uint8Array; globals: (number | bigint)[] } {
    return { heap: this.bytes.slice(), globals: this.globals.map((g) => g.value) };
  }

  restore(heap: Uint8Array, globals: (number | bigint)[]): void {
    const pages = Math.ceil(heap.length / 65536) - this.memory.buffer.byteLength / 65536;
    if (pages > 0) this.memory.grow(pages);
    this.bytes.set(heap);
    this.globals.forEach((g, i) => (g.value = globals[i]));
    this.commit();
  }
}
