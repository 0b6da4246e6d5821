// Stable memory ids of the api canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  // Keys by id (StoredKey).
  keys: 1,
  // Each owner's key ids, oldest first.
  owners: 2,
  // The next key id.
  counters: 3,
  // The ids of revoked keys, oldest first, with when each was revoked.
  revoked: 4,
} as const;
