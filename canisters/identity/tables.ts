// The part of a StableBTreeMap the identity rules use, so tests back it with a Map.
export interface Table<V> {
  get(key: string): V | undefined;
  insert(key: string, value: V): unknown;
  remove(key: string): unknown;
  values(): V[];
  len(): number;
}
