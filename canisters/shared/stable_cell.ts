// One value kept in a StableBTreeMap under a fixed key and on the heap after the first read: settings are read by
// nearly every call, and decoding them from stable memory costs millions of instructions. The heap copy starts
// empty after an upgrade and fills on the next read. Pure: takes the map, imports nothing from 'azle'.
type Map<K, V> = { get(key: K): V | undefined; insert(key: K, value: V): unknown };

export function stableCell<K, V>(map: Map<K, V>, key: K, owner: string): { get(): V; put(value: V): void } {
  let cached: V | undefined;
  return {
    get(): V {
      if (cached !== undefined) return cached;
      const value = map.get(key);
      // init writes the value before any method runs, so its absence means the canister is broken.
      if (value === undefined) throw new Error(`${owner}: ${String(key)} missing from stable memory`);
      return (cached = value);
    },
    put(value: V): void {
      map.insert(key, value);
      cached = value;
    },
  };
}
