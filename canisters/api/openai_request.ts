// The bodies of POST /v1/chat/completions, /v1/completions and /v1/embeddings, read the way OpenAI reads them: JSON
// in UTF-8, known fields only, each checked against the range the market can honour. A request comes out as one
// normalized value, or a 400/413/415 naming the field at fault. Pure.
import { CHAT_ROLES, MAX_CHAT_MESSAGES, MAX_STOPS, stopProblem, type ChatMessage, type ChatRole } from '../shared/generation';
import { decodeUtf8 } from '../shared/utf8';
import { MAX_INPUT_BYTES, MAX_TOKENS } from '../shared/job_limits';
import { apiError, badRequest, type ApiError } from './errors';

/** The largest body taken: a job's input is at most 32 KiB, and JSON escaping and message framing add to it. */
export const MAX_BODY_BYTES = 2 * MAX_INPUT_BYTES;
export const MAX_EMBEDDING_INPUTS = 16;

export type Sampling = { temperature?: number; top_p?: number; seed?: number; stop: string[]; max_tokens?: number };
export type Streaming = { stream: boolean; include_usage: boolean };

export type InferenceRequest =
  | ({ kind: 'chat'; model: string; messages: ChatMessage[]; sampling: Sampling } & Streaming)
  | ({ kind: 'completion'; model: string; prompt: string; sampling: Sampling } & Streaming)
  | { kind: 'embedding'; model: string; input: string[]; encoding_format: 'float' | 'base64' };

export type Endpoint = InferenceRequest['kind'];

type Json = Record<string, unknown>;
type Parsed<T> = { Ok: T } | { Err: ApiError };

// Fields a client may send that change nothing here: accepted only at the value that means "off".
const NEUTRAL: Record<string, unknown[]> = {
  n: [1],
  presence_penalty: [0],
  frequency_penalty: [0],
  logprobs: [false, null],
  top_logprobs: [null],
  logit_bias: [null],
  echo: [false],
  best_of: [1],
  suffix: [null],
  parallel_tool_calls: [null],
  tools: [null],
  tool_choice: [null, 'none'],
  response_format: [null],
  service_tier: [null, 'auto', 'default'],
  store: [null, false],
};
const SAMPLING_FIELDS = ['temperature', 'top_p', 'seed', 'stop', 'max_tokens'];
const FIELDS: Record<Endpoint, string[]> = {
  chat: ['model', 'messages', 'stream', 'stream_options', 'user', 'max_completion_tokens', ...SAMPLING_FIELDS],
  completion: ['model', 'prompt', 'stream', 'stream_options', 'user', ...SAMPLING_FIELDS],
  embedding: ['model', 'input', 'encoding_format', 'user', 'dimensions'],
};

/** The JSON object a request's headers and body carry, or why it is not one. */
export function readBody(contentType: string | undefined, body: Uint8Array): Parsed<Json> {
  if (body.length > MAX_BODY_BYTES)
    return { Err: apiError(413, `The request body is over ${MAX_BODY_BYTES} bytes`, 'invalid_request_error') };
  const [mediaType, ...parameters] = (contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (mediaType !== 'application/json' || (charset !== undefined && charset !== 'utf-8'))
    return {
      Err: apiError(
        415,
        'Send the body as `Content-Type: application/json` in UTF-8',
        'invalid_request_error',
        null,
        'unsupported_media_type',
      ),
    };
  let text: string;
  try {
    text = decodeUtf8(body, true);
  } catch {
    return { Err: badRequest('The request body is not valid UTF-8') };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { Err: badRequest(`The request body is not valid JSON: ${(error as Error).message}`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { Err: badRequest('The request body must be a JSON object') };
  return { Ok: value as Json };
}

/** The normalized request of `endpoint` in `body`, or the first thing wrong with it. */
export function parseRequest(endpoint: Endpoint, body: Json): Parsed<InferenceRequest> {
  for (const [field, value] of Object.entries(body)) {
    if (Object.hasOwn(NEUTRAL, field)) {
      if (value !== undefined && !NEUTRAL[field].includes(value))
        return {
          Err: badRequest(
            `'${field}' is not supported: leave it out or send ${NEUTRAL[field].map((v) => JSON.stringify(v)).join(' or ')}`,
            field,
          ),
        };
    } else if (!FIELDS[endpoint].includes(field)) return { Err: badRequest(`Unrecognized request argument supplied: ${field}`, field) };
  }
  const model = body.model;
  if (typeof model !== 'string' || model.length === 0)
    return { Err: badRequest("'model' is required: a model id from GET /v1/models", 'model') };
  if (body.user !== undefined && typeof body.user !== 'string') return { Err: badRequest("'user' must be a string", 'user') };
  if (endpoint === 'embedding') return embeddingRequest(model, body);
  const sampling = samplingOf(body);
  if ('Err' in sampling) return sampling;
  const streaming = streamingOf(body);
  if ('Err' in streaming) return streaming;
  if (endpoint === 'completion') {
    const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
    if (typeof prompt !== 'string' || prompt.length === 0)
      return { Err: badRequest("'prompt' must be a non-empty string (or a list of exactly one)", 'prompt') };
    return { Ok: { kind: 'completion', model, prompt, sampling: sampling.Ok, ...streaming.Ok } };
  }
  const messages = messagesOf(body.messages);
  if ('Err' in messages) return messages;
  return { Ok: { kind: 'chat', model, messages: messages.Ok, sampling: sampling.Ok, ...streaming.Ok } };
}

function messagesOf(value: unknown): Parsed<ChatMessage[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHAT_MESSAGES)
    return { Err: badRequest(`'messages' must be a list of 1 to ${MAX_CHAT_MESSAGES} messages`, 'messages') };
  const messages: ChatMessage[] = [];
  for (const [i, message] of value.entries()) {
    const param = `messages[${i}]`;
    if (typeof message !== 'object' || message === null) return { Err: badRequest(`'${param}' must be an object`, param) };
    const { role, content, name, ...rest } = message as Json;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return { Err: badRequest(`Unrecognized argument in '${param}': ${extra}`, `${param}.${extra}`) };
    if (!CHAT_ROLES.includes(role as ChatRole))
      return { Err: badRequest(`'${param}.role' must be one of ${CHAT_ROLES.join(', ')}`, `${param}.role`) };
    if (name !== undefined && typeof name !== 'string') return { Err: badRequest(`'${param}.name' must be a string`, `${param}.name`) };
    const text = contentText(content);
    if (text === undefined)
      return { Err: badRequest(`'${param}.content' must be a string or a list of {"type":"text","text":...} parts`, `${param}.content`) };
    messages.push({ role: role as ChatRole, content: text });
  }
  return { Ok: messages };
}

// A message's content: a string, or text parts joined (images and audio are not something the market runs).
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.map((part) =>
    part?.type === 'text' && typeof part.text === 'string' && Object.keys(part).length === 2 ? part.text : undefined,
  );
  return texts.includes(undefined) ? undefined : texts.join('');
}

function samplingOf(body: Json): Parsed<Sampling> {
  const number = (field: string, ok: (v: number) => boolean, rule: string): Parsed<number | undefined> => {
    const value = body[field];
    if (value === undefined || value === null) return { Ok: undefined };
    return typeof value === 'number' && ok(value) ? { Ok: value } : { Err: badRequest(`'${field}' must be ${rule}`, field) };
  };
  const temperature = number('temperature', (v) => v >= 0 && v <= 2, 'a number from 0 to 2');
  if ('Err' in temperature) return temperature;
  const top_p = number('top_p', (v) => v > 0 && v <= 1, 'a number above 0 and at most 1');
  if ('Err' in top_p) return top_p;
  const seed = number('seed', (v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, 'an integer from 0 to 4294967295');
  if ('Err' in seed) return seed;
  const tokens = (field: string) =>
    number(field, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_TOKENS, `an integer from 1 to ${MAX_TOKENS}`);
  const max_tokens = tokens('max_tokens');
  if ('Err' in max_tokens) return max_tokens;
  const max_completion_tokens = tokens('max_completion_tokens');
  if ('Err' in max_completion_tokens) return max_completion_tokens;
  const stop = body.stop === undefined || body.stop === null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  // The marketplace's own rule (at most MAX_STOPS, each 1 to 64 bytes), so a job it would refuse is refused here.
  const badStop = stopProblem(stop);
  if (badStop !== undefined) return { Err: badRequest(`'stop' must be a string or a list of at most ${MAX_STOPS}: ${badStop}`, 'stop') };
  const sampling: Sampling = { stop: stop as string[] };
  if (temperature.Ok !== undefined) sampling.temperature = temperature.Ok;
  if (top_p.Ok !== undefined) sampling.top_p = top_p.Ok;
  if (seed.Ok !== undefined) sampling.seed = seed.Ok;
  const limit = max_completion_tokens.Ok ?? max_tokens.Ok;
  if (limit !== undefined) sampling.max_tokens = limit;
  return { Ok: sampling };
}

function streamingOf(body: Json): Parsed<Streaming> {
  const { stream, stream_options } = body;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean')
    return { Err: badRequest("'stream' must be a boolean", 'stream') };
  if (stream_options === undefined || stream_options === null) return { Ok: { stream: stream === true, include_usage: false } };
  if (stream !== true) return { Err: badRequest("'stream_options' is only allowed when 'stream' is true", 'stream_options') };
  const { include_usage, ...rest } = stream_options as Json;
  if (
    typeof stream_options !== 'object' ||
    Object.keys(rest).length > 0 ||
    (include_usage !== undefined && typeof include_usage !== 'boolean')
  )
    return { Err: badRequest("'stream_options' takes only 'include_usage' (a boolean)", 'stream_options') };
  return { Ok: { stream: true, include_usage: include_usage === true } };
}

function embeddingRequest(model: string, body: Json): Parsed<InferenceRequest> {
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  if (
    !Array.isArray(input) ||
    input.length === 0 ||
    input.length > MAX_EMBEDDING_INPUTS ||
    !input.every((s) => typeof s === 'string' && s.length > 0)
  )
    return {
      Err: badRequest(
        `'input' must be a non-empty string or a list of 1 to ${MAX_EMBEDDING_INPUTS} of them (token arrays are not taken)`,
        'input',
      ),
    };
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    return { Err: badRequest("'encoding_format' must be 'float' or 'base64'", 'encoding_format') };
  if (body.dimensions !== undefined && body.dimensions !== null)
    return { Err: badRequest("'dimensions' is not supported: each model answers in its own dimensions", 'dimensions') };
  return { Ok: { kind: 'embedding', model, input: input as string[], encoding_format: format } };
}
