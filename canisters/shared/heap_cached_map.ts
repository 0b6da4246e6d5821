// A stable map read through a copy on the heap, which lasts between messages: a read that hits decodes nothing,
// where azle's codecs cost millions of instructions for one record. Every write goes through here, so the copy never
// differs from the map; an upgrade starts it empty and a trap rolls it back with stable memory. Values are shared
// with the copy, so callers replace records rather than change them in place (as the canisters' rules do).

/** The part of a StableBTreeMap the copy wraps. */
export interface BackingMap<K, V> {
  get(key: K): V | undefined;
  insert(key: K, value: V): unknown;
  remove(key: K): unknown;
  containsKey(key: K): boolean;
  values(): V[];
  len(): number;
  keys(): K[];
}

export class HeapCachedMap<K, V> {
  private readonly heap = new Map<K, V>();

  /** `limit`: entries kept before the copy starts over, so the heap stays bounded however many keys are read. */
  constructor(
    private readonly map: BackingMap<K, V>,
    private readonly limit = 10_000,
  ) {}

  get(key: K): V | undefined {
    const kept = this.heap.get(key);
    if (kept !== undefined) return kept;
    const value = this.map.get(key);
    if (value !== undefined) this.keep(key, value);
    return value;
  }

  insert(key: K, value: V): void {
    this.map.insert(key, value);
    this.keep(key, value);
  }

  remove(key: K): void {
    this.heap.delete(key);
    this.map.remove(key);
  }

  containsKey(key: K): boolean {
    return this.heap.has(key) || this.map.containsKey(key);
  }

  values(): V[] {
    return this.map.values();
  }

  len(): number {
    return this.map.len();
  }

  keys(): K[] {
    return this.map.keys();
  }

  private keep(key: K, value: V): void {
    if (this.heap.size >= this.limit && !this.heap.has(key)) this.heap.clear();
    this.heap.set(key, value);
  }
}
