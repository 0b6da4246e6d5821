// What the bridge accepts from a worker, and what it sends: pure rules, no 'azle' import. An answer must be for
// the job asked, of its kind, and its output (tokens and text, or vector) must hash to the sha256 it claims (the
// hash the job settles on, shared/output_hash.ts).
import type { Principal } from '@dfinity/principal';

import { hex } from '../shared/hex';
import { isLongJob, MAX_TOKENS } from '../shared/job_limits';
import { outputSha256Hex, type Output } from '../shared/output_hash';
import type { DispatchRequest, JobKind, JobOutput } from './types';

export type WorkerAnswer = {
  output_sha256: Uint8Array;
  tokens: number[];
  text: string | undefined;
  vector: number[];
  runtime: string;
  /** The prompt's size as the worker counted it: usage only, outside the hash, so nothing checks it. */
  prompt_tokens: number | undefined;
};

const kindName = (kind: JobKind): string => Object.keys(kind)[0];

/**
 * The JSON body POSTed to the worker's /jobs: a long job asks for an acknowledgement (async) when it is dispatched,
 * and for the answer itself when an audit or a dispute re-runs it. Every run of a job (its replicas, audits and
 * disputes) gets this same body, so with the job's seed they all sample the same tokens.
 */
export function jobBody(request: DispatchRequest, async = isLongJob(request)): string {
  return JSON.stringify({
    job_id: request.job_id.toString(),
    kind: kindName(request.kind),
    model_sha256: hex(request.model_sha256),
    input: request.input,
    max_tokens: request.max_tokens,
    ...generationFields(request.generation),
    ...(async ? { mode: 'async' } : {}),
  });
}

/** The worker's fields for a job's generation settings: none when the job chose none (greedy, a raw prompt). */
function generationFields(generation: DispatchRequest['generation']): Record<string, unknown> {
  if (generation.length === 0) return {};
  const { temperature, top_p, seed, stop, chat } = generation[0];
  return { sampling: { temperature, top_p, seed }, ...(stop.length > 0 ? { stop } : {}), ...(chat ? { chat: true } : {}) };
}

/** A count the worker reported, when it is a non-negative integer that fits a nat32. */
const promptTokensOf = (value: unknown): number | undefined =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff ? (value as number) : undefined;

/** Whether the worker acknowledged a long job: `{ job_id, status: 'accepted' }` for this job. */
export function parseAcceptance(request: DispatchRequest, status: bigint, body: Uint8Array): { Ok: null } | { Err: string } {
  const text = new TextDecoder().decode(body);
  if (status !== 200n) return { Err: `the worker answered ${status}: ${text.slice(0, 200)}` };
  try {
    const answer = JSON.parse(text) as { job_id?: unknown; status?: unknown };
    if (answer.job_id === request.job_id.toString() && answer.status === 'accepted') return { Ok: null };
  } catch {
    return { Err: 'the worker answered something that is not JSON' };
  }
  return { Err: 'the worker did not accept the job' };
}

/** The most bytes an answer of `kind` with `maxTokens` may take: the tokens or the vector as JSON, the text, and room. */
const answerBytes = (kind: JobKind, maxTokens: number): number => 2_048 + ('embedding' in kind ? 512 * 24 : maxTokens * 8 + maxTokens * 64);

/** The most bytes a worker's answer to this job may take (an acknowledgement, for a long job dispatched async). */
export function maxResponseBytes(request: DispatchRequest, async = isLongJob(request)): bigint {
  return async ? 1_024n : BigInt(answerBytes(request.kind, request.max_tokens));
}

/** The largest answer any job may get (a text job of MAX_TOKENS): what submit_result takes at most. */
export const LARGEST_ANSWER_BYTES = answerBytes({ text_generation: null }, MAX_TOKENS);

/** The worker's answer, checked against the job, or why it is not acceptable. */
export function parseAnswer(request: DispatchRequest, status: bigint, body: Uint8Array): { Ok: WorkerAnswer } | { Err: string } {
  const text = new TextDecoder().decode(body);
  if (status !== 200n) return { Err: `the worker answered ${status}: ${text.slice(0, 200)}` };
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text);
  } catch {
    return { Err: 'the worker answered something that is not JSON' };
  }
  if (answer.job_id !== request.job_id.toString()) return { Err: `the answer is for job ${String(answer.job_id)}` };
  if (answer.kind !== kindName(request.kind)) return { Err: `the answer is of kind ${String(answer.kind)}` };
  const output = 'embedding' in request.kind ? answer.vector : answer.tokens;
  if (!Array.isArray(output) || !output.every((x) => typeof x === 'number' && Number.isFinite(x)))
    return { Err: 'the answer has no output' };
  // A vector has numbers. A generation may have no token (the model ended at once, or its text began with a stop
  // string), and has at most what the consumer paid for.
  if ('embedding' in request.kind && output.length === 0) return { Err: 'the answer has no output' };
  if ('text_generation' in request.kind && output.length > request.max_tokens)
    return { Err: `the answer has ${output.length} tokens, more than the job's max_tokens of ${request.max_tokens}` };
  // The text the consumer reads is hashed with the tokens: a worker lying in it disagrees with honest ones.
  if ('text_generation' in request.kind && typeof answer.text !== 'string') return { Err: 'the answer has no text' };
  const hashed: Output =
    'embedding' in request.kind ? { vector: output as number[] } : { tokens: output as number[], text: answer.text as string };
  const claimed = String(answer.output_sha256 ?? '');
  if (outputSha256Hex(hashed) !== claimed) return { Err: 'the output does not hash to the sha256 the worker claims' };
  return {
    Ok: {
      output_sha256: Uint8Array.from(claimed.match(/../g)!.map((h) => parseInt(h, 16))),
      tokens: 'embedding' in request.kind ? [] : (output as number[]),
      text: 'embedding' in request.kind ? undefined : (answer.text as string),
      vector: 'embedding' in request.kind ? (output as number[]) : [],
      runtime: String(answer.runtime ?? ''),
      prompt_tokens: promptTokensOf(answer.prompt_tokens),
    },
  };
}

/** The answer an output holds: what an audit or a dispute compares with the auditors' answers. */
export const answerOf = ({ output_sha256, tokens, text, vector, runtime, prompt_tokens }: JobOutput): WorkerAnswer => ({
  output_sha256,
  tokens,
  text: text[0],
  vector,
  runtime,
  prompt_tokens: prompt_tokens[0],
});

/** The output the consumer reads (and the job settles on): `node`'s answer to the job, completed at `at`. */
export function outputOf(request: DispatchRequest, node: Principal, answer: WorkerAnswer, at: bigint): JobOutput {
  const { output_sha256, tokens, text, vector, runtime, prompt_tokens } = answer;
  return {
    job_id: request.job_id,
    consumer: request.consumer,
    node,
    output_sha256,
    tokens,
    text: text === undefined ? [] : [text],
    vector,
    runtime,
    completed_at: at,
    prompt_tokens: prompt_tokens === undefined ? [] : [prompt_tokens],
  };
}

/** The first problem with an endpoint URL, or undefined: http(s), a host, no credentials, no spaces. */
export function checkEndpointUrl(url: string): string | undefined {
  if (url.length > 512) return 'url: at most 512 characters';
  const match = /^(https?):\/\/([^/?#\s]+)([/?#]\S*)?$/i.exec(url);
  if (match === null) return 'url: http:// or https:// and a host (mainnet outcalls need https)';
  if (match[2].includes('@')) return 'url: no credentials in the URL';
}
