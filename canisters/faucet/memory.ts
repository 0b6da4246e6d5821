// Stable memory ids of the faucet. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  // Everyone's tally of the current day.
  today: 1,
  // Each principal's tally of the current day; cleared by the first claim of a new day.
  claims: 2,
} as const;
