// The api canister's state in stable memory: settings, and the keys as the KeyRing's KeyStore (keys by id, each
// owner's ids and the revoked ids), so keys, their spending and their revocations survive upgrades.
import { IDL, StableBTreeMap } from 'azle';
import type { Principal } from '@dfinity/principal';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, u64Key } from '../shared/stable_codecs';
import type { ApiKey, KeyStore } from './keys';
import { MEMORY } from './memory';
import { storedKey } from './stored_key';
import { Settings } from './types';

const settingsMap = new StableBTreeMap<string, Settings>(MEMORY.settings, asciiText, candidValue<Settings>(Settings));
export const settingsCell = stableCell<string, Settings>(settingsMap, 'settings', 'api');

const keys = new StableBTreeMap<bigint, ApiKey>(MEMORY.keys, u64Key, storedKey);
const owners = new StableBTreeMap<string, bigint[]>(MEMORY.owners, asciiText, candidValue<bigint[]>(IDL.Vec(IDL.Nat64)));
const counters = new StableBTreeMap<string, bigint>(MEMORY.counters, asciiText, candidValue<bigint>(IDL.Nat64));
// Kept so the live count and the oldest revoked record are had without reading every key.
const revoked = new StableBTreeMap<bigint, bigint>(MEMORY.revoked, u64Key, candidValue<bigint>(IDL.Nat64));

/** The keys; `count` is the live ones (what key_rules.ts caps). */
export const keyStore: KeyStore & { count(): number } = {
  get: (id) => keys.get(id),
  put(key) {
    if (!keys.containsKey(key.id)) owners.insert(key.owner.toText(), [...ownedBy(key.owner), key.id]);
    keys.insert(key.id, key);
    if (key.revoked_at.length === 1 && !revoked.containsKey(key.id)) revoked.insert(key.id, key.revoked_at[0]);
  },
  remove(id) {
    const key = keys.get(id);
    if (key === undefined) return;
    keys.remove(id);
    revoked.remove(id);
    owners.insert(
      key.owner.toText(),
      ownedBy(key.owner).filter((owned) => owned !== id),
    );
  },
  ownedBy: (owner) => ownedBy(owner),
  nextId() {
    const id = counters.get('next_key') ?? 0n;
    counters.insert('next_key', id + 1n);
    return id;
  },
  total: () => Number(keys.len()),
  oldestRevoked: () => revoked.keys(0, 1)[0],
  count: () => Number(keys.len()) - Number(revoked.len()),
};

// Candid decodes a vec nat64 as a BigUint64Array, whose map would force every result to a bigint: an array instead.
function ownedBy(owner: Principal): bigint[] {
  return Array.from(owners.get(owner.toText()) ?? []);
}
