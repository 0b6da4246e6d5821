// What a request to the worker's POST /jobs holds (the bridge writes it: jobBody in canisters/bridge/answers.ts),
// and the rules it must meet before the bridge is asked about it or anything runs.
import { GREEDY, type Prompt, type Sampling } from './runtime/text_generation';
import { parseChatMessages, stopProblem } from '../../canisters/shared/generation';
// The bridge never posts more input or asks for more tokens than these, so a larger job did not come from it.
import { MAX_INPUT_BYTES, MAX_TOKENS } from '../../canisters/shared/job_limits';

export type JobKind = 'text_generation' | 'embedding';

export type JobBody = {
  job_id: string;
  kind: JobKind;
  /** sha256 (hex) of the model file the job was matched for: a worker serving another model refuses. */
  model_sha256: string;
  input: string;
  max_tokens?: number;
  /** Settings left out are greedy decoding's (GREEDY). */
  sampling?: Partial<Sampling>;
  /** Strings that end the generation where the first of them appears (left out of the text). */
  stop?: string[];
  /** The input is a JSON list of `{ role, content }` messages, rendered with the model's chat template. */
  chat?: boolean;
  /** async: answer `{ job_id, status: 'accepted' }` at once and post the result later (a long job). */
  mode?: 'sync' | 'async';
};

const FIELDS = new Set(['job_id', 'kind', 'model_sha256', 'input', 'max_tokens', 'sampling', 'stop', 'chat', 'mode']);

// llama.cpp takes any number, but outside these a setting is a mistake or an attempt to make the run misbehave.
const SAMPLING: Record<keyof Sampling, { ok: (value: number) => boolean; rule: string }> = {
  temperature: { ok: (v) => v >= 0 && v <= 2, rule: 'a number from 0 (greedy) to 2' },
  top_k: { ok: (v) => Number.isInteger(v) && v >= 0 && v <= 1_000, rule: 'an integer from 0 (off) to 1000' },
  top_p: { ok: (v) => v > 0 && v <= 1, rule: 'a number above 0 and at most 1' },
  seed: { ok: (v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, rule: 'an integer from 0 to 4294967295' },
};

function checkSampling(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'sampling: an object of settings';
  for (const [name, setting] of Object.entries(value)) {
    if (!(name in SAMPLING)) return `sampling.${name}: not a setting (temperature, top_k, top_p, seed)`;
    const { ok, rule } = SAMPLING[name as keyof Sampling];
    if (typeof setting !== 'number' || !Number.isFinite(setting) || !ok(setting)) return `sampling.${name}: ${rule}`;
  }
}

/** The first problem with a job request body, or undefined. */
export function checkJobBody(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body must be a JSON object';
  const unknown = Object.keys(value).find((name) => !FIELDS.has(name));
  if (unknown !== undefined) return `${unknown}: not a field of a job request`;
  const body = value as Partial<JobBody>;
  if (typeof body.job_id !== 'string' || !/^\d{1,20}$/.test(body.job_id) || BigInt(body.job_id) >= 2n ** 64n)
    return 'job_id: a decimal nat64';
  if (body.kind !== 'text_generation' && body.kind !== 'embedding') return 'kind: text_generation or embedding';
  if (typeof body.model_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(body.model_sha256)) return 'model_sha256: 64 lowercase hex digits';
  if (typeof body.input !== 'string') return 'input: a string';
  const inputBytes = Buffer.byteLength(body.input, 'utf8');
  if (inputBytes > MAX_INPUT_BYTES) return `input: ${inputBytes} bytes, more than the ${MAX_INPUT_BYTES} a job may carry`;
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1 || body.max_tokens > MAX_TOKENS))
    return `max_tokens: an integer from 1 to ${MAX_TOKENS}`;
  if (body.sampling !== undefined) {
    if (body.kind === 'embedding') return 'sampling: an embedding samples nothing';
    const problem = checkSampling(body.sampling);
    if (problem !== undefined) return problem;
  }
  if (body.stop !== undefined) {
    if (body.kind === 'embedding') return 'stop: an embedding generates no text to stop';
    const problem = stopProblem(body.stop);
    if (problem !== undefined) return problem;
  }
  if (body.chat !== undefined) {
    if (typeof body.chat !== 'boolean') return 'chat: true or false';
    if (body.chat && body.kind === 'embedding') return 'chat: an embedding takes its input as text';
    const messages = body.chat ? parseChatMessages(body.input) : undefined;
    if (messages !== undefined && 'Err' in messages) return `input: ${messages.Err}`;
  }
  if (body.mode !== undefined && body.mode !== 'sync' && body.mode !== 'async') return 'mode: sync or async';
}

/** The sampling a checked body asks for, greedy where it names nothing. */
export const samplingOf = (body: JobBody): Sampling => ({ ...GREEDY, ...body.sampling });

/** What a checked text job asks the model to continue: its input as a raw prompt, or its chat messages. */
export function promptOf(body: JobBody): Prompt {
  if (!body.chat) return body.input;
  const messages = parseChatMessages(body.input);
  if ('Err' in messages) throw new Error(`input: ${messages.Err}`);
  return messages.Ok;
}
