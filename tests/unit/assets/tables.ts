// The asset store's tables over Maps, as the unit tests use them in place of the canister's StableBTreeMaps.
import type { AssetTables, ChunkKey } from '../../../canisters/assets/store';
import type { StoredAsset } from '../../../canisters/assets/types';

export function memoryTables(): AssetTables & { chunkCount(): number } {
  const assets = new Map<string, StoredAsset>();
  const chunks = new Map<string, Uint8Array>();
  const id = ({ key, encoding, index }: ChunkKey) => `${key}\u0000${encoding}\u0000${index}`;
  return {
    assets: {
      get: (key) => assets.get(key),
      insert: (key, value) => void assets.set(key, value),
      remove: (key) => void assets.delete(key),
      entries: () => [...assets.entries()],
    },
    chunks: {
      get: (key) => chunks.get(id(key)),
      insert: (key, content) => void chunks.set(id(key), content),
      remove: (key) => void chunks.delete(id(key)),
    },
    chunkCount: () => chunks.size,
  };
}
