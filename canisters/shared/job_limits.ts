// Limits every part of a job's path agrees on, so the marketplace refuses at submit what the bridge would refuse
// after the job was paid for, and the web app offers only what both take. Pure: the web app imports it too.

/** The most UTF-8 bytes of input a job may carry: the bridge posts it to a worker inside one outcall's request. */
export const MAX_INPUT_BYTES = 32 * 1024;

/** The most tokens a job may ask for: it bounds every answer the bridge takes. */
export const MAX_TOKENS = 4_096;

/**
 * Jobs that may outlast an outcall (about 30 s on mainnet; 384 tokens at 20 tokens/s on a slow node) are long: the
 * worker acknowledges them at once and posts the result later with a signed update call. Only a single replica runs
 * that way; redundant jobs are compared as their answers arrive in the outcalls. The bridge dispatches by this rule
 * and the marketplace refuses a long job where the output must come back inside one call (run_job).
 */
export const LONG_JOB_TOKENS = 384;
export const isLongJob = (job: { kind: object; redundancy: number; max_tokens: number }): boolean =>
  'text_generation' in job.kind && job.redundancy === 1 && job.max_tokens >= LONG_JOB_TOKENS;
