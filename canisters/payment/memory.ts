// Stable memory ids of the payment canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  escrows: 1,
  owed: 2,
  history_counts: 3,
  history_entries: 4,
  pending: 5,
  counters: 6,
  deposits: 7,
  audit_rewards: 8,
  // The analytics canister's id (shared/analytics_reporter.ts); a high id, clear of the ones above as they grow.
  analytics: 20,
} as const;
