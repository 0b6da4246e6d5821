// Stable memory ids of the governance canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  proposals: 1,
  ballots: 2,
  locks: 3,
  wasm_chunks: 4,
  counters: 5,
} as const;
