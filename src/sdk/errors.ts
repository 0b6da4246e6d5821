// The errors the SDK's client throws: a canister's Err, a wait that ran out, a job that ended without a result.

const show = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/** What a canister refused (`what`: the call) and its Err value, kept for programs that act on it. */
export class Refused extends Error {
  constructor(
    readonly what: string,
    readonly reason: unknown,
  ) {
    super(`${what} refused: ${show(reason)}`);
    this.name = 'Refused';
  }
}

/** The Ok value, or a Refused error saying what the canister refused and why. */
export function ok<T>(what: string, reply: { Ok: T } | { Err: unknown }): T {
  if ('Ok' in reply) return reply.Ok;
  throw new Refused(what, reply.Err);
}

/** A job still not final when the wait for it ran out; `job` is how it was last seen. */
export class WaitTimeout extends Error {
  constructor(
    readonly job: { id: bigint; state: object },
    readonly timeoutMs: number,
  ) {
    super(`job ${job.id} is still ${Object.keys(job.state)[0]} after ${timeoutMs / 1000} s`);
    this.name = 'WaitTimeout';
  }
}

/** A job that ended without a result to read: refunded (it failed, or found no provider) or rejected (unpaid). */
export class JobUnsettled extends Error {
  constructor(readonly job: { id: bigint; state: object; failure: [] | [string] }) {
    super(`job ${job.id} ended ${Object.keys(job.state)[0]}${job.failure[0] !== undefined ? `: ${job.failure[0]}` : ''}`);
    this.name = 'JobUnsettled';
  }
}
