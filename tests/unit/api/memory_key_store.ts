// The KeyRing's store in a Map, as the canister's stable maps keep it (storage.ts): ids in creation order, the
// revoked ones findable without a scan. For the unit tests of keys and of the handler.
import type { ApiKey, KeyStore } from '../../../canisters/api/keys';

export function memoryKeyStore(): KeyStore & { keys: Map<bigint, ApiKey> } {
  const keys = new Map<bigint, ApiKey>();
  let next = 0n;
  return {
    keys,
    get: (id) => keys.get(id),
    put: (key) => void keys.set(key.id, key),
    remove: (id) => void keys.delete(id),
    ownedBy: (who) => [...keys.values()].filter((k) => k.owner.compareTo(who) === 'eq').map((k) => k.id),
    nextId: () => next++,
    total: () => keys.size,
    oldestRevoked: () => [...keys.values()].find((k) => k.revoked_at.length === 1)?.id,
  };
}
