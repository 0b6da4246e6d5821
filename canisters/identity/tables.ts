// The part of a StableBTreeMap the identity rules use, so tests back it with a Map.
export interface Table<V> {
  get(key: string): V | undefined;
  insert(key: string, value: V): unknown;
  remove(key: string): unknown;
  values(): V[];
  len(): number;
}

/** A table also read in key order a page at a time, as the StableBTreeMap does without walking the rest. */
export interface OrderedTable<V> extends Table<V> {
  items(start: number, length: number): [string, V][];
}
