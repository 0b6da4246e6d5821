// Asking nodes for a job's answer and having verification compare answers: what the dispatcher and the dispute
// desk share. Pure: the outcall, verification and the clock come in as WorkDeps.
import type { Principal } from '@dfinity/principal';

import type { CallOutcome } from '../shared/peer_call';
import type { Verdict, VerifyRequest } from '../verification/types';
import { jobBody, maxResponseBytes, parseAcceptance, parseAnswer, type WorkerAnswer } from './answers';
import type { DispatchRequest, Endpoint } from './types';

/** An outcall's result: the worker's status and body, or why the outcall failed. */
export type Posted = { Ok: { status: bigint; body: Uint8Array } } | { Err: string };

export type WorkDeps = {
  endpointOf(node: Principal): Endpoint | undefined;
  /** POSTs `body` to the endpoint's /jobs, taking at most `maxBytes` back; the node may check it by job_assignment. */
  post(request: DispatchRequest, endpoint: Endpoint, body: string, maxBytes: bigint): Promise<Posted>;
  /** Verification's comparison, or why there is none (no verification canister is named, a failed call). */
  verify(request: VerifyRequest): Promise<CallOutcome<Verdict>>;
  now(): bigint;
};

/** A node's acceptable answer to a job. */
export type Answered = { endpoint: Endpoint; answer: WorkerAnswer };

/** Asks the endpoint for its answer to the job (at once, even a long job's) and checks it against the job. */
export async function ask(deps: WorkDeps, request: DispatchRequest, endpoint: Endpoint): Promise<{ Ok: WorkerAnswer } | { Err: string }> {
  const posted = await deps.post(request, endpoint, jobBody(request, false), maxResponseBytes(request, false));
  return 'Ok' in posted ? parseAnswer(request, posted.Ok.status, posted.Ok.body) : posted;
}

/**
 * Hands a long job to the endpoint with the long-job protocol: Ok when the worker acknowledged it, and will post
 * its answer by submit_result.
 */
export async function handLong(deps: WorkDeps, request: DispatchRequest, endpoint: Endpoint): Promise<{ Ok: null } | { Err: string }> {
  const posted = await deps.post(request, endpoint, jobBody(request, true), maxResponseBytes(request, true));
  return 'Ok' in posted ? parseAcceptance(request, posted.Ok.status, posted.Ok.body) : posted;
}

/** Has verification compare the answers of several nodes to one job. */
export function compare(deps: WorkDeps, request: DispatchRequest, answers: Answered[]): Promise<CallOutcome<Verdict>> {
  return deps.verify({
    job_id: request.job_id,
    embedding: 'embedding' in request.kind,
    answers: answers.map(({ endpoint, answer }) => ({
      node: endpoint.node,
      provider: endpoint.provider,
      output_sha256: answer.output_sha256,
      vector: answer.vector,
    })),
  });
}
