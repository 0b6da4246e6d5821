// Stable memory ids of the example consumer. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  settings: 0,
  // The newest answers by job id, at most KEPT_ANSWERS.
  answers: 1,
  // The newest long jobs' outcomes the marketplace told (on_job_end), in arrival order, at most KEPT_ANSWERS.
  ends: 2,
} as const;
