// Replies in OpenAI's wire format: a chat completion, a text completion and an embedding list as JSON, the same
// completions as a `text/event-stream` of chunks ending in `data: [DONE]`, and errors. Each reply carries one field
// of our own, `market`: the job behind it, who ran it, what it cost and how it was verified. Pure.
import { base64 } from '../shared/certification';
import type { ApiError } from './errors';

/** What a finished job gives a reply. */
export type Completed = {
  job_id: bigint;
  model: string;
  /** Seconds since the epoch, as OpenAI's `created`. */
  created: number;
  text: string;
  prompt_tokens: number;
  completion_tokens: number;
  finish_reason: 'stop' | 'length';
  market: Market;
};

export type Embedded = { job_id: bigint; model: string; vectors: number[][]; prompt_tokens: number; market: Market };

/** Our extra field. Amounts are base units as decimal strings, so no JSON number rounds them. */
export type Market = { job_id: string; providers: string[]; cost: string; verification: string };

const usageOf = (c: Completed) => ({
  prompt_tokens: c.prompt_tokens,
  completion_tokens: c.completion_tokens,
  total_tokens: c.prompt_tokens + c.completion_tokens,
});

export function chatCompletion(c: Completed): object {
  return {
    id: `chatcmpl-${c.job_id}`,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [{ index: 0, message: { role: 'assistant', content: c.text, refusal: null }, logprobs: null, finish_reason: c.finish_reason }],
    usage: usageOf(c),
    market: c.market,
  };
}

export function textCompletion(c: Completed): object {
  return {
    id: `cmpl-${c.job_id}`,
    object: 'text_completion',
    created: c.created,
    model: c.model,
    choices: [{ index: 0, text: c.text, logprobs: null, finish_reason: c.finish_reason }],
    usage: usageOf(c),
    market: c.market,
  };
}

/** `data:` events of a finished job: the text in one chunk, then the finish, the usage if asked, and [DONE]. */
export function completionStream(kind: 'chat' | 'completion', c: Completed, includeUsage: boolean): string {
  const chat = kind === 'chat';
  const base = chat
    ? { id: `chatcmpl-${c.job_id}`, object: 'chat.completion.chunk', created: c.created, model: c.model }
    : { id: `cmpl-${c.job_id}`, object: 'text_completion', created: c.created, model: c.model };
  const choice = (delta: string | undefined, finish: string | null) =>
    chat
      ? { index: 0, delta: delta === undefined ? {} : { role: 'assistant', content: delta }, logprobs: null, finish_reason: finish }
      : { index: 0, text: delta ?? '', logprobs: null, finish_reason: finish };
  const usage = includeUsage ? { usage: null } : {};
  const events: object[] = [
    { ...base, choices: [choice(c.text, null)], ...usage },
    { ...base, choices: [choice(undefined, c.finish_reason)], ...usage, market: c.market },
  ];
  if (includeUsage) events.push({ ...base, choices: [], usage: usageOf(c) });
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n';
}

export function embeddingList(e: Embedded, format: 'float' | 'base64'): object {
  return {
    object: 'list',
    data: e.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: format === 'float' ? vector : base64Floats(vector) })),
    model: e.model,
    usage: { prompt_tokens: e.prompt_tokens, total_tokens: e.prompt_tokens },
    market: e.market,
  };
}

export const errorBody = (e: ApiError): object => ({ error: e.error });

// OpenAI's base64 embeddings: the vector as little-endian float32, base64-encoded (the certification module's
// encoder: azle has no btoa).
function base64Floats(vector: number[]): string {
  return base64(new Uint8Array(new Float32Array(vector).buffer));
}
