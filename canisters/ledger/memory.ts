// The stable memory ids of the ledger's StableBTreeMaps: one list, so no two maps share an id.
export const MemoryId = {
  config: 0,
  balances: 1,
  allowances: 2,
  log: 3,
  dedup: 4,
  dedupByIndex: 5,
  counters: 6,
} as const;
