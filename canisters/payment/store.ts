// The key-value interface the rules keep their state behind: a Map in tests, a StableBTreeMap in the canister.
export type Store<K, V> = {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): unknown;
};
