// Limits every part of a job's path agrees on, so the marketplace refuses at submit what the bridge would refuse
// after the job was paid for, and the web app offers only what both take. Pure: the web app imports it too.

/** The most tokens a job may ask for: it bounds every answer the bridge takes. */
export const MAX_TOKENS = 4_096;
