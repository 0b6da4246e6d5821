// Stable memory ids of the faucet. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  // Everyone's tally of the current day.
  today: 1,
  // Retired: each principal's tally of one day keyed by principal alone (cleared all at once on a new day, which
  // could exceed the instruction limit). Read for its day and emptied a bounded batch a claim.
  claims: 2,
  // Each principal's tally of a day, keyed by day then principal; past days pruned a bounded batch a claim.
  claims_by_day: 3,
} as const;
