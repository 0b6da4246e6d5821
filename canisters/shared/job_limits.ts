// Limits every part of a job's path agrees on, so the marketplace refuses at submit what the bridge would refuse
// after the job was paid for, and the web app offers only what both take. Pure: the web app imports it too.

/** The most UTF-8 bytes of input a job may carry: the bridge posts it to a worker inside one outcall's request. */
export const MAX_INPUT_BYTES = 32 * 1024;

/** The most tokens a job may ask for: it bounds every answer the bridge takes. */
export const MAX_TOKENS = 4_096;
