// The part of a stable map the bridge's pure modules use, so unit tests hand them a Map-backed fake.
export interface Table<K, V> {
  get(key: K): V | undefined;
  insert(key: K, value: V): unknown;
  remove(key: K): unknown;
  containsKey(key: K): boolean;
}
