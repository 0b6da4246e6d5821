// Stable memory ids of the analytics canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  // Admin and reporting canisters, under one key.
  settings: 0,
  // Bucket stats by bucket key (buckets.ts), in stats_codec.ts's bytes.
  buckets: 1,
  // The roll-up watermarks, under one key.
  watermarks: 2,
  // Model, region and providers of open jobs, by job id.
  jobs: 3,
  // Token flows per account, by principal text.
  accounts: 4,
} as const;
