// Stable memory: sparse 64 KiB pages with an undo journal, so a trap or a failed upgrade rolls back
// only what the message wrote (Azle grows about 70 MB of stable memory at init; copying it per
// message would dominate every call).

export const WASM_PAGE = 65536;
// The IC allows 500 GiB of stable memory per canister.
const MAX_PAGES = (500 * 2 ** 30) / WASM_PAGE;
// Pages a memory keeps for its next undo copies: an Azle message writes some 40, and a fresh 64 KiB array for each
// (nearly 3 MB a job) made the garbage collector stop the whole network every few dozen jobs.
const MAX_SPARE_PAGES = 128;

export class StableMemory {
  private pages = new Map<number, Uint8Array>();
  private sizePages = 0;
  private undo = new Map<number, Uint8Array | null>();
  private undoSize: number | null = null;
  private spare: Uint8Array[] = [];

  get size(): number {
    return this.sizePages;
  }

  /**
   * Grows by n pages; returns the old size, or -1 when the limit would be exceeded (as ic0 says) or
   * n is not a page count (a negative n would otherwise shrink the memory).
   */
  grow(n: number): number {
    const old = this.sizePages;
    if (!Number.isSafeInteger(n) || n < 0 || old + n > MAX_PAGES) return -1;
    if (this.undoSize === null) this.undoSize = old;
    this.sizePages = old + n;
    return old;
  }

  /** The page to write, its old bytes kept in the undo journal on the message's first write to it. */
  private writable(index: number): Uint8Array {
    let page = this.pages.get(index);
    if (!this.undo.has(index)) this.undo.set(index, page ? this.copyOf(page) : null);
    if (!page) {
      page = new Uint8Array(WASM_PAGE);
      this.pages.set(index, page);
    }
    return page;
  }

  private checkRange(offset: number, length: number, what: string): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.sizePages * WASM_PAGE)) {
      throw new RangeError(`stable memory ${what} out of bounds: offset ${offset} + ${length} > ${this.sizePages * WASM_PAGE}`);
    }
  }

  /** Copies [offset, offset + length) into `into` from `at`. */
  read(offset: number, length: number, into: Uint8Array, at = 0): void {
    this.checkRange(offset, length, 'read');
    let done = 0;
    while (done < length) {
      const where = offset + done;
      const within = where % WASM_PAGE;
      const n = Math.min(length - done, WASM_PAGE - within);
      const page = this.pages.get(Math.floor(where / WASM_PAGE));
      if (page) copy(page, within, into, at + done, n);
      else into.fill(0, at + done, at + done + n);
      done += n;
    }
  }

  /** Writes `length` bytes of `data` from `from` at `offset`. */
  write(offset: number, data: Uint8Array, from = 0, length = data.length - from): void {
    this.checkRange(offset, length, 'write');
    let done = 0;
    while (done < length) {
      const where = offset + done;
      const within = where % WASM_PAGE;
      const n = Math.min(length - done, WASM_PAGE - within);
      copy(data, from + done, this.writable(Math.floor(where / WASM_PAGE)), within, n);
      done += n;
    }
  }

  commit(): void {
    for (const old of this.undo.values()) if (old) this.recycle(old);
    this.forget();
  }

  rollback(): void {
    for (const [index, old] of this.undo) {
      const written = this.pages.get(index);
      if (old) this.pages.set(index, old);
      else this.pages.delete(index);
      if (written) this.recycle(written);
    }
    if (this.undoSize !== null) this.sizePages = this.undoSize;
    this.forget();
  }

  private forget(): void {
    this.undo.clear();
    this.undoSize = null;
  }

  private copyOf(page: Uint8Array): Uint8Array {
    const copy = this.spare.pop() ?? new Uint8Array(WASM_PAGE);
    copy.set(page);
    return copy;
  }

  private recycle(page: Uint8Array): void {
    if (this.spare.length < MAX_SPARE_PAGES) this.spare.push(page);
  }

  /** Pages that hold data, for persistence. */
  entries(): IterableIterator<[number, Uint8Array]> {
    return this.pages.entries();
  }

  static restore(sizePages: number, pages: Iterable<[number, Uint8Array]>): StableMemory {
    const memory = new StableMemory();
    memory.sizePages = sizePages;
    for (const [index, page] of pages) memory.pages.set(index, page);
    return memory;
  }
}

/** Copies n bytes; a short run byte by byte, which costs less than the view a longer one is copied through. */
function copy(source: Uint8Array, from: number, target: Uint8Array, to: number, n: number): void {
  if (n <= 64) for (let i = 0; i < n; i++) target[to + i] = source[from + i];
  else target.set(source.subarray(from, from + n), to);
}
