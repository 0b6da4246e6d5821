// A job from the consumer's side: build the request, quote it, show the charges, approve and submit, watch it,
// then read what came of it (output, who ran it, the split payment recorded, verification, dispute).
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';

import type { Job, JobRequest, Lane } from '../../../../canisters/marketplace/job_types';
import type { Quote } from '../../../../canisters/marketplace/types';
import type { Audit, DispatchRequest, Dispute, JobOutput } from '../../../../canisters/bridge/types';
import type { Verdict } from '../../../../canisters/verification/types';
import type { Actors } from '../api/actors';
import * as bridgeApi from '../api/bridge';
import * as ledgerApi from '../api/ledger';
import * as marketApi from '../api/marketplace';
import * as paymentApi from '../api/payment';
import * as verificationApi from '../api/verification';
import { errorSentence, noMatchReasons } from '../errors';
import type { Token } from '../format/amount';
import { msToNs } from '../format/time';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';
import { escrowCharges, pricedRequest, type Charges } from '../../../sdk/charges';
import { FINAL_STATES, stateOf } from '../../../sdk/client';
import { recordedSplit, splitFromHistory, type Credit, type RecordedSplit } from '../../../sdk/recorded_split';

// The canisters' own pure rules (no 'azle' import), so the app cannot drift from them.
import { DISPUTE_WINDOW_NS, disputeProblem } from '../../../../canisters/bridge/disputes';
import { MAX_REDUNDANCY } from '../../../../canisters/marketplace/job_machine';
import { MAX_TOKENS } from '../../../../canisters/shared/job_limits';

export { DISPUTE_WINDOW_NS, MAX_REDUNDANCY, MAX_TOKENS };
// The pricing rules and the recorded split live in the SDK, shared with the CLI and programs.
export { escrowCharges, pricedRequest, splitFromHistory, type Charges, type Credit, type RecordedSplit };
/** The most a quote may cost per replica: quoting asks for every offer, whatever its price. */
const ANY_PRICE = 2n ** 64n;

export type JobForm = { model: bigint | undefined; input: string; maxTokens: number; redundancy: number; lane: 'standard' | 'priority' };

/** The request for a form, or the first thing wrong with the form. The price cap is set from the quote later. */
export function buildJobRequest(form: JobForm): Outcome<JobRequest> {
  if (form.model === undefined) return failure('Pick a model.');
  if (form.input.trim() === '') return failure('Write a prompt or a text to embed.');
  if (!Number.isInteger(form.maxTokens) || form.maxTokens < 1 || form.maxTokens > MAX_TOKENS)
    return failure(`Max tokens is a whole number from 1 to ${MAX_TOKENS.toLocaleString('en')}.`);
  if (!Number.isInteger(form.redundancy) || form.redundancy < 1 || form.redundancy > MAX_REDUNDANCY)
    return failure(`Redundancy is 1, 2 or 3: how many providers run the job and compare answers.`);
  const input = new TextEncoder().encode(form.input);
  const lane: Lane = form.lane === 'priority' ? { priority: null } : { standard: null };
  return success({
    model: form.model,
    input_hash: sha256(input),
    input_bytes: BigInt(input.length),
    max_tokens: form.maxTokens,
    max_price: ANY_PRICE,
    redundancy: form.redundancy,
    lane,
    region: [],
    hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [form.input],
    generation: [],
  });
}

/** A quote, or a sentence with every reason matching found. */
export async function quoteJob(a: Actors, request: JobRequest, token: Token, host?: string): Promise<Outcome<{ quote: Quote; reasons: string[] }>> {
  return attempt(async () => {
    const reply = await marketApi.quote(a, request);
    if ('Ok' in reply) return success({ quote: reply.Ok, reasons: [] });
    return failure([errorSentence('marketplace', { NoMatch: reply.Err }, { token }), ...noMatchReasons(reply.Err, { token })].join(' '));
  }, host);
}

export type SubmitStep = 'approving' | 'submitting';

/** Approves payment for the job's charges, then submits it. The request must be the priced one. */
export async function payAndSubmit(
  a: Actors,
  request: JobRequest,
  charges: Charges,
  token: Token,
  onStep: (step: SubmitStep) => void = () => {},
  host?: string,
  nowMs: number = Date.now(),
): Promise<Outcome<Job>> {
  return attempt(async () => {
    onStep('approving');
    const approved = fromResult('ledger', await ledgerApi.approve(a, a.ids.payment, charges.allowance, msToNs(nowMs)), { token });
    if (!approved.ok) return failure(`The approval failed, so nothing was paid. ${approved.error}`);
    onStep('submitting');
    const reply = await marketApi.submitJob(a, request);
    if ('Err' in reply) {
      const reasons = 'NoMatch' in reply.Err ? noMatchReasons(reply.Err.NoMatch, { token }) : [];
      return failure(
        [
          errorSentence('marketplace', reply.Err, { token }),
          ...reasons,
          'The approval you gave payment stays in force (its fee is spent); your next job’s approval replaces it.',
        ].join(' '),
      );
    }
    return success(reply.Ok);
  }, host);
}

export { FINAL_STATES, stateOf };
export const isFinal = (job: Job): boolean => FINAL_STATES.includes(stateOf(job));

/** Job states in words, for people. */
export const STATE_WORDS: Record<string, string> = {
  submitted: 'submitted, payment being taken',
  rejected: 'rejected: the payment could not be taken',
  matched: 'paid, waiting for a worker',
  dispatched: 'running on the worker',
  completed: 'done, being settled',
  failed: 'failed, refund pending',
  settled: 'settled',
  refunded: 'refunded',
};

/** Polls a job until it is final or `signal` aborts, calling `onUpdate` each time its state changes. */
export async function watchJob(
  a: Actors,
  id: bigint,
  onUpdate: (job: Job) => void,
  signal: AbortSignal,
  intervalMs = 1_000,
  host?: string,
): Promise<Outcome<Job>> {
  let last = '';
  let failures = 0;
  for (;;) {
    const read = await attempt(async () => fromResult('marketplace', await marketApi.getJob(a, id)), host);
    if (signal.aborted) return failure('Stopped watching the job.');
    if (read.ok) {
      failures = 0;
      const state = `${stateOf(read.value)}:${read.value.updated_at}`;
      if (state !== last) onUpdate(read.value);
      last = state;
      if (isFinal(read.value)) return read;
    } else if (++failures >= 5) return read;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export type JobDetail = {
  job: Job;
  output: JobOutput | undefined;
  outputError: string | undefined;
  providers: { offer: bigint; provider: Principal | undefined; quote: bigint; spare: boolean }[];
  split: RecordedSplit;
  verdict: Verdict | undefined;
  audit: Audit | undefined;
  dispute: Dispute | undefined;
  /** Until when a dispute may be opened (ns), when the job may be disputed at all. */
  disputableUntil: bigint | undefined;
};

/**
 * Until when the consumer may dispute, by the bridge's own rule (disputeProblem): the bridge keeps the request an
 * audit needs for every single-replica job, short or long, and for a redundant one whose replicas agreed, which its
 * verdict shows by comparing no more answers than replicas (a split an outside auditor broke compared one more).
 * The app also waits for the job to be settled.
 */
export function disputableUntil(
  job: Job,
  output: JobOutput | undefined,
  dispute: Dispute | undefined,
  audit: Audit | undefined,
  verdict?: Verdict,
): bigint | undefined {
  if (output === undefined || !('settled' in job.state)) return undefined;
  const { redundancy } = job.request;
  const agreed = verdict !== undefined && verdict.agreeing.length + verdict.dissenting.length === redundancy;
  // disputeProblem asks only whether the bridge kept a request, not what is in it.
  const kept = redundancy === 1 || agreed ? ({ job_id: job.id } as DispatchRequest) : undefined;
  // The window is not judged here (now = the result's time): the page counts down to the returned deadline.
  const problem = disputeProblem({ caller: output.consumer, output, request: kept, audit, dispute, now: output.completed_at });
  return problem === undefined ? output.completed_at + DISPUTE_WINDOW_NS : undefined;
}

/** Everything the job's page shows, read in parallel. */
export async function loadJobDetail(a: Actors, id: bigint, host?: string): Promise<Outcome<JobDetail>> {
  return attempt(async () => {
    const read = fromResult('marketplace', await marketApi.getJob(a, id));
    if (!read.ok) return read;
    const job = read.value;
    const done = ['completed', 'settled'].includes(stateOf(job)) || job.result_hash.length === 1;
    const [outputReply, offers, verdict, audit, dispute, paymentSettings] = await Promise.all([
      done ? bridgeApi.getOutput(a, id) : Promise.resolve(undefined),
      Promise.all(job.offers.map((offer) => marketApi.getOffer(a, offer))),
      job.request.redundancy > 1 ? verificationApi.verdictOf(a, id) : Promise.resolve(undefined),
      bridgeApi.auditOf(a, id),
      bridgeApi.disputeOf(a, id),
      paymentApi.settings(a),
    ]);
    const output = outputReply && 'Ok' in outputReply ? outputReply.Ok : undefined;
    const outputError = outputReply && 'Err' in outputReply ? errorSentence('bridge', outputReply.Err) : undefined;
    const providers = job.offers.map((offer, i) => {
      const found = offers[i];
      return { offer, provider: 'Ok' in found ? found.Ok.provider : undefined, quote: job.quotes[i] ?? 0n, spare: i >= job.request.redundancy };
    });
    const ran = providers.flatMap((p) => (p.provider && !p.spare ? [p.provider] : []));
    const split = await recordedSplit(a.payment, job, ran, paymentSettings.config.treasury);
    return success({ job, output, outputError, providers, split, verdict, audit, dispute, disputableUntil: disputableUntil(job, output, dispute, audit, verdict) });
  }, host);
}

/** Disputes a job: approves payment for the bridge's deposit (+ the transfer fee), then asks the bridge for an audit. */
export async function disputeJob(a: Actors, id: bigint, token: Token, host?: string, nowMs: number = Date.now()): Promise<Outcome<Dispute>> {
  return attempt(async () => {
    const { dispute_deposit } = await bridgeApi.settings(a);
    const charges = escrowCharges(dispute_deposit, token.fee);
    const approved = fromResult('ledger', await ledgerApi.approve(a, a.ids.payment, charges.allowance, msToNs(nowMs)), { token });
    if (!approved.ok) return failure(`The approval failed, so no deposit was taken. ${approved.error}`);
    return fromResult('bridge', await bridgeApi.dispute(a, id), { token });
  }, host);
}

/** The dispute's deposit and its fees, for the confirmation. */
export async function disputeCharges(a: Actors, token: Token, host?: string): Promise<Outcome<Charges>> {
  return attempt(async () => success(escrowCharges((await bridgeApi.settings(a)).dispute_deposit, token.fee)), host);
}
