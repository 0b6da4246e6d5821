// The job state machine: submitted → matched → dispatched → completed → settled. A submitted job whose escrow
// cannot be taken is rejected (it never held money); a matched or dispatched job can fail, and a failed job is
// refunded. Every other transition is refused, so a settled job cannot be refunded and a refunded one cannot be
// settled.
import type { Principal } from '@dfinity/principal';
import { sha256 } from '../shared/sha256';

import { generationProblem, parseChatMessages } from '../shared/generation';
import { MAX_INPUT_BYTES, MAX_TOKENS } from '../shared/job_limits';
import type { Task } from '../shared/models';
import type { Job, JobEvent, JobId, JobRequest, JobResult, JobState, ModelTerms } from './job_types';

export const MAX_REDUNDANCY = 3;
const HASH_BYTES = 32;

export type StateName = keyof { [K in JobState as keyof K & string]: null } & string;
export type EventName = keyof { [K in JobEvent as keyof K & string]: null } & string;

/** For each state, the events it accepts and the state each leads to. */
export const TRANSITIONS: Record<StateName, Partial<Record<EventName, StateName>>> = {
  submitted: { Matched: 'matched', Rejected: 'rejected' },
  rejected: {},
  matched: { Dispatched: 'dispatched', Failed: 'failed' },
  dispatched: { Completed: 'completed', Failed: 'failed' },
  completed: { Settled: 'settled' },
  failed: { Refunded: 'refunded' },
  settled: {},
  refunded: {},
};

export const stateName = (state: JobState): StateName => Object.keys(state)[0] as StateName;
export const eventName = (event: JobEvent): EventName => Object.keys(event)[0] as EventName;

/** The first problem with a request's own fields, or undefined. */
export function checkJobRequest(request: JobRequest): string | undefined {
  if (request.redundancy < 1 || request.redundancy > MAX_REDUNDANCY) return `redundancy: 1 to ${MAX_REDUNDANCY}`;
  if (request.input_hash.length !== HASH_BYTES) return `input_hash: must be ${HASH_BYTES} bytes, got ${request.input_hash.length}`;
  if (request.input_bytes === 0n) return 'input_bytes: must be more than zero';
  // The bridge refuses a larger input; refusing here keeps it out of the job record and the consumer from paying.
  if (request.input_bytes > BigInt(MAX_INPUT_BYTES)) return `input_bytes: at most ${MAX_INPUT_BYTES}`;
  if (request.max_tokens === 0) return 'max_tokens: must be more than zero';
  // The bridge refuses more; refusing here keeps the consumer from paying for a job that would only be refunded.
  if (request.max_tokens > MAX_TOKENS) return `max_tokens: at most ${MAX_TOKENS}`;
  if (request.reservation.length === 1 && request.redundancy !== 1) return 'redundancy: a job in a reservation runs once';
  const input = request.input[0];
  if (input !== undefined) {
    const bytes = new TextEncoder().encode(input);
    if (BigInt(bytes.length) !== request.input_bytes) return `input: ${bytes.length} bytes, but input_bytes says ${request.input_bytes}`;
    const hash = sha256(bytes);
    if (!hash.every((byte, i) => byte === request.input_hash[i])) return 'input: its sha256 is not input_hash';
  }
  // Sampled jobs may run redundantly: the seed is always set, so every replica draws the same tokens and
  // verification compares them as it compares greedy ones.
  const generation = request.generation[0];
  if (generation !== undefined) {
    const problem = generationProblem(generation);
    if (problem !== undefined) return `generation.${problem}`;
    // Refused before the consumer pays, rather than by the worker after.
    const messages = generation.chat && input !== undefined ? parseChatMessages(input) : undefined;
    if (messages !== undefined && 'Err' in messages) return `input: ${messages.Err}`;
  }
}

/** The first problem with a request for a model of `task`, or undefined: only a text generation samples. */
export function taskProblem(request: JobRequest, task: Task): string | undefined {
  if (request.generation.length === 1 && !('text_generation' in task))
    return `generation: ${Object.keys(task)[0]} models generate no text, so they take no generation settings`;
}

/** States after which nothing more happens to a job. */
export const isFinal = (state: JobState): boolean => Object.keys(TRANSITIONS[stateName(state)]).length === 0;

export function newJob(id: JobId, consumer: Principal, request: JobRequest, model: ModelTerms, now: bigint): JobResult<Job> {
  const problem = checkJobRequest(request);
  if (problem !== undefined) return { Err: { InvalidInput: problem } };
  return {
    Ok: {
      id,
      consumer,
      request,
      state: { submitted: null },
      offers: [],
      quotes: [],
      price: 0n,
      creator: model.creator,
      royalty_bps: model.royalty_bps,
      result_hash: [],
      paid_nodes: [],
      late_refund_bps: 0,
      failure: [],
      created_at: now,
      updated_at: now,
    },
  };
}

/** The job after `event`, or InvalidTransition when its state does not accept the event. Never mutates `job`. */
export function transition(job: Job, event: JobEvent, now: bigint): JobResult<Job> {
  const from = stateName(job.state);
  const name = eventName(event);
  const to = TRANSITIONS[from][name];
  if (to === undefined) return { Err: { InvalidTransition: { from: job.state, event: name } } };
  const next: Job = { ...job, state: { [to]: null } as JobState, updated_at: now };
  if ('Matched' in event) {
    const { offers, quotes } = event.Matched;
    if (offers.length < job.request.redundancy)
      return { Err: { InvalidInput: `matched: needs at least ${job.request.redundancy} offers` } };
    if (quotes.length !== offers.length) return { Err: { InvalidInput: 'matched: one quote per offer' } };
    const price = quotes.slice(0, job.request.redundancy).reduce((sum, quote) => sum + quote, 0n);
    return { Ok: { ...next, offers, quotes, price } };
  }
  if ('Completed' in event) {
    const { result_hash, paid_nodes, late_refund_bps } = event.Completed;
    return { Ok: { ...next, result_hash: [result_hash], paid_nodes, late_refund_bps } };
  }
  if ('Failed' in event) return { Ok: { ...next, failure: [event.Failed] } };
  // A rejected submission never held money, so it keeps no input: a stranger submitting without an allowance
  // would otherwise store up to the input cap per call for free.
  if ('Rejected' in event) return { Ok: { ...next, request: { ...next.request, input: [] }, failure: [event.Rejected] } };
  return { Ok: next };
}
