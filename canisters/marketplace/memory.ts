// Stable memory ids of the marketplace. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  offers: 0,
  // Admin, peers and the market configuration, under one key.
  settings: 1,
  // Provider standings set by the admin (the stand-in until the identity canister is called), by principal hex.
  standings: 2,
  // Jobs by id (big-endian, so in submission order).
  jobs: 3,
  // Reservations by id, until their window ends.
  reservations: 4,
  // The next id of the sequence jobs and reservations share (each is one payment escrow).
  counters: 5,
  // Indexes kept so an upgrade reads no entry a stranger can create for free (storage.ts): each provider's offer
  // ids, the live offers per model (bitmap blocks and counts), the certified providers, each consumer's job ids
  // (and how many) and the unfinished jobs.
  offersByProvider: 6,
  liveBlocks: 7,
  liveCounts: 8,
  certified: 9,
  consumerJobs: 10,
  consumerJobCounts: 11,
  unfinishedJobs: 12,
  // The end notices canister consumers asked for (job_notices.ts), by job id, until sent.
  notices: 13,
  // The analytics canister's id (shared/analytics_reporter.ts); a high id, clear of the ones above as they grow.
  analytics: 20,
} as const;
