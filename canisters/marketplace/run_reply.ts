// run_job's decisions, pure: which jobs it refuses, what it does once the bridge's run returned, and its reply.
// JobDesk (job_desk.ts) is the glue that awaits the peers.
import type { JobKind, JobOutput } from '../bridge/types';
import { isLongJob, LONG_JOB_TOKENS } from '../shared/job_limits';
import type { RunOutcome } from './bridge_peer';
import type { StateName } from './job_machine';
import type { Job, JobRequest, JobResult, JobRun } from './job_types';

/** Why run_job refuses the job before anything is escrowed, or undefined: a long job cannot answer in one call. */
export function runProblem(kind: JobKind, request: JobRequest): string | undefined {
  if (isLongJob({ kind, redundancy: request.redundancy, max_tokens: request.max_tokens }))
    return `max_tokens: a job of ${LONG_JOB_TOKENS} tokens or more at redundancy 1 is long, too long for one call; submit it with submit_job`;
}

/**
 * What follows the bridge's run, given the job's state once it returned. The bridge reports the outcome during the
 * run, which settles or refunds the job; an output in the reply is answered unless the job failed meanwhile. A completed job whose reply was lost
 * has its output read again. A failure whose report did not land (the job still matched or dispatched), a refund
 * that did not land (failed), or a run the bridge refused or never answered, is failed and refunded now, so the
 * reply is final. A job the report already refunded is left alone.
 */
export type AfterRun = { answer: JobOutput } | { readOutput: null } | { refund: string } | { done: null };

export function afterRun(ran: RunOutcome, state: StateName): AfterRun {
  // An output answers only a job that was not failed meanwhile (the sweep's timeout, say): a refunded job's output
  // is not given away, and its reply is JobFailed.
  if ('Ok' in ran && (state === 'dispatched' || state === 'completed' || state === 'settled')) return { answer: ran.Ok };
  if ('Ok' in ran) return state === 'failed' ? { refund: 'the job failed while it ran' } : { done: null };
  if (state === 'completed' || state === 'settled') return { readOutput: null };
  if (state === 'matched' || state === 'dispatched' || state === 'failed')
    return { refund: 'Failed' in ran ? ran.Failed : `run: ${ran.Err}` };
  return { done: null };
}

/**
 * run_job's reply: the job with its output; JobFailed once the job failed (refunded, or its refund left to the
 * sweep); NotFound for a job that completed but whose output could not be read back in the call (the bridge keeps
 * it: get_output).
 */
export function runReply(job: Job, output: JobOutput | undefined): JobResult<JobRun> {
  if (output !== undefined) return { Ok: { job, output } };
  if (!('refunded' in job.state || 'failed' in job.state)) return { Err: { NotFound: null } };
  return { Err: { JobFailed: { job_id: job.id, reason: job.failure[0] ?? 'the job failed' } } };
}
