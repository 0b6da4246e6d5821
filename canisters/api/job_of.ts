// An OpenAI request as the marketplace's job: the input (a completion's prompt, or a chat's messages as JSON for the
// worker's chat template), the token budget, and the sampling that reaches the worker. Pure: the seed drawn for a
// sampled request without one comes in, so redundant runs and audits of it draw the same tokens.
import { sha256 } from '@noble/hashes/sha2';

import type { JobRequest } from '../marketplace/job_types';
import type { Generation } from '../shared/generation';
import { isLongJob, LONG_JOB_TOKENS, MAX_INPUT_BYTES, MAX_TOKENS } from '../shared/job_limits';
import { encodeUtf8 } from '../shared/utf8';
import { badRequest, type ApiError } from './errors';
import type { InferenceRequest } from './openai_request';

/** max_tokens when the client gives none. */
export const DEFAULT_MAX_TOKENS = 128;
/** The most max_tokens one HTTP request may ask: a longer job cannot answer inside one call (job_limits.ts). */
export const MAX_API_TOKENS = LONG_JOB_TOKENS - 1;
/** OpenAI's defaults for a request that names neither. */
export const DEFAULT_TEMPERATURE = 1;
export const DEFAULT_TOP_P = 1;

export type TextRequest = Extract<InferenceRequest, { kind: 'chat' | 'completion' }>;

/** The job of one input, its max_price still to be set from a quote. */
function jobOf(model: bigint, input: string, max_tokens: number, generation: [] | [Generation]): { Ok: JobRequest } | { Err: ApiError } {
  const bytes = encodeUtf8(input);
  if (bytes.length > MAX_INPUT_BYTES)
    return {
      Err: badRequest(
        `The input is ${bytes.length} bytes once encoded for the worker, more than the ${MAX_INPUT_BYTES} a job takes`,
        'messages',
      ),
    };
  const request: JobRequest = {
    model,
    input_hash: sha256(bytes),
    input_bytes: BigInt(bytes.length),
    max_tokens,
    max_price: 0n,
    redundancy: 1,
    lane: { standard: null },
    region: [],
    hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [input],
    generation,
  };
  return { Ok: request };
}

/** Whether a text request needs a seed drawn for it: it samples (temperature above 0) and named none. */
export const needsSeed = (r: TextRequest): boolean => r.sampling.seed === undefined && (r.sampling.temperature ?? DEFAULT_TEMPERATURE) > 0;

/** A chat or completion request's job; `drawn` is the seed to use when needsSeed said so. */
export function textJob(model: bigint, r: TextRequest, drawn: number): { Ok: JobRequest } | { Err: ApiError } {
  const max_tokens = r.sampling.max_tokens ?? DEFAULT_MAX_TOKENS;
  // The marketplace's own rule, at the redundancy these jobs run at: a long job is refused before anything is paid.
  if (isLongJob({ kind: { text_generation: null }, redundancy: 1, max_tokens }))
    return {
      Err: badRequest(`'max_tokens' must be at most ${MAX_API_TOKENS}: longer jobs cannot answer within one HTTP request`, 'max_tokens'),
    };
  const generation: Generation = {
    temperature: r.sampling.temperature ?? DEFAULT_TEMPERATURE,
    top_p: r.sampling.top_p ?? DEFAULT_TOP_P,
    seed: r.sampling.seed ?? (needsSeed(r) ? drawn : 0),
    stop: r.sampling.stop,
    chat: r.kind === 'chat',
  };
  const input = r.kind === 'chat' ? JSON.stringify(r.messages.map(({ role, content }) => ({ role, content }))) : r.prompt;
  return jobOf(model, input, max_tokens, [generation]);
}

/**
 * One embedding input's job. Its token budget, which per-1k-token prices charge, is the input's UTF-8 length (a
 * token covers at least one byte), at most MAX_TOKENS.
 */
export function embeddingJob(model: bigint, input: string): { Ok: JobRequest } | { Err: ApiError } {
  const bytes = encodeUtf8(input).length;
  return jobOf(model, input, Math.min(bytes, MAX_TOKENS), []);
}

/** The text of a completion: `stop` when the worker stopped before the budget, `length` when it used it all. */
export const finishReason = (completionTokens: number, maxTokens: number): 'stop' | 'length' =>
  completionTokens >= maxTokens ? 'length' : 'stop';
