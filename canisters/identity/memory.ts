// Stable memory ids of the identity canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  accounts: 1,
  nodes: 2,
  claim_codes: 3,
  stakes: 4,
  slashes: 5,
  reputations: 6,
} as const;
