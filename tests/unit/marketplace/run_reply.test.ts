import { describe, expect, it } from 'vitest';

import type { JobOutput } from '../../../canisters/bridge/types';
import { newJob, type StateName } from '../../../canisters/marketplace/job_machine';
import type { Job, JobState } from '../../../canisters/marketplace/job_types';
import { afterRun, runProblem, runReply } from '../../../canisters/marketplace/run_reply';
import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { job as request, ok, user } from './fixtures';

const TEXT = { text_generation: null };

function jobIn(state: StateName, failure?: string): Job {
  const job = ok(newJob(1n, user(1), request(), { creator: user(9), royalty_bps: 0 }, 0n));
  return { ...job, state: { [state]: null } as JobState, failure: failure === undefined ? [] : [failure] };
}

const output: JobOutput = {
  job_id: 1n,
  consumer: user(1),
  node: user(2),
  output_sha256: new Uint8Array(32).fill(7),
  tokens: [4, 5],
  text: ['blue'],
  vector: [],
  runtime: 'tiny',
  completed_at: 5n,
  prompt_tokens: [],
};

describe('which jobs run_job takes', () => {
  it('refuses a long job, naming submit_job; shorter, redundant and embedding jobs run in the call', () => {
    expect(runProblem(TEXT, request({ max_tokens: LONG_JOB_TOKENS, redundancy: 1 }))).toMatch(/long.*submit it with submit_job/);
    expect(runProblem(TEXT, request({ max_tokens: LONG_JOB_TOKENS - 1, redundancy: 1 }))).toBeUndefined();
    expect(runProblem(TEXT, request({ max_tokens: LONG_JOB_TOKENS, redundancy: 2 }))).toBeUndefined();
    expect(runProblem({ embedding: null }, request({ max_tokens: LONG_JOB_TOKENS, redundancy: 1 }))).toBeUndefined();
  });
});

describe('after the bridge’s run', () => {
  it('answers the output the run replied while the job is dispatched, completed or settled', () => {
    for (const state of ['dispatched', 'completed', 'settled'] as const) expect(afterRun({ Ok: output }, state)).toEqual({ answer: output });
  });

  it('gives no output for a job failed meanwhile (the sweep timed it out): refunded, it replies JobFailed', () => {
    expect(afterRun({ Ok: output }, 'refunded')).toEqual({ done: null });
    expect(afterRun({ Ok: output }, 'failed')).toEqual({ refund: 'the job failed while it ran' });
  });

  it('reads the output again for a job that completed although the reply was lost', () => {
    for (const state of ['completed', 'settled'] as const)
      expect(afterRun({ Err: 'bridge call failed: SysUnknown' }, state)).toEqual({ readOutput: null });
  });

  it('fails and refunds a job whose failure report did not land, or that the bridge refused, with the reason', () => {
    expect(afterRun({ Failed: '0 of 1 nodes answered' }, 'dispatched')).toEqual({ refund: '0 of 1 nodes answered' });
    expect(afterRun({ Err: '{"Unauthorized":"no"}' }, 'matched')).toEqual({ refund: 'run: {"Unauthorized":"no"}' });
    // Failed by the report, but its refund did not land: retried now.
    expect(afterRun({ Failed: 'x' }, 'failed')).toEqual({ refund: 'x' });
  });

  it('leaves a job the bridge’s report already refunded', () => {
    expect(afterRun({ Failed: '0 of 1 nodes answered' }, 'refunded')).toEqual({ done: null });
  });
});

describe('run_job’s reply', () => {
  it('is the job with its output', () => {
    const settled = jobIn('settled');
    expect(runReply(settled, output)).toEqual({ Ok: { job: settled, output } });
  });

  it('is JobFailed with the job’s recorded reason once it failed, refunded or with its refund left to the sweep', () => {
    for (const state of ['refunded', 'failed'] as const)
      expect(runReply(jobIn(state, 'run: 0 of 1 nodes answered'), undefined)).toEqual({
        Err: { JobFailed: { job_id: 1n, reason: 'run: 0 of 1 nodes answered' } },
      });
  });

  it('never says JobFailed for a job that completed: its output stays with the bridge', () => {
    for (const state of ['completed', 'settled'] as const) expect(runReply(jobIn(state), undefined)).toEqual({ Err: { NotFound: null } });
  });
});
