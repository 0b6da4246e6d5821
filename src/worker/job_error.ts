/** A refused or failed job request: the HTTP status the worker answers, and for a busy worker when to come back. */
export class JobError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
