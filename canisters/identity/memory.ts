// Stable memory ids of the identity canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  accounts: 1,
  nodes: 2,
  claim_codes: 3,
  stakes: 4,
  slashes: 5,
  reputations: 6,
  // Providers whose standing the marketplace has not acknowledged yet (standing_outbox.ts), as JSON records: the
  // layout before outbox_seqs, emptied into it by an upgrade.
  standing_outbox: 7,
  // Slashes asked for while the provider was busy, until applied.
  pending_slashes: 8,
  // Sequences: the next pending slash id.
  counters: 9,
  // Unclaimed nodes by claim code expiry: their count and the pruning order, without walking the node table.
  unclaimed_nodes: 10,
  // Reputation as a head per provider and an entry per change (reputation_book.ts); `reputations` is the old layout.
  reputation_heads: 11,
  reputation_changes: 12,
  // The standing outbox: each entry's sequence number by its key.
  outbox_seqs: 13,
} as const;
