// Our replies read by the official `openai` client, unmodified: its fetch is handed the exact bytes and headers the
// canister answers, so what it parses (or the error class it throws) is what an application using it would see.
// The end-to-end run through the HTTP gateway and real jobs is the API's integration test.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

import { apiError, badRequest, type ApiError } from '../../../canisters/api/errors';
import { chatCompletion, completionStream, embeddingList, errorBody, textCompletion, type Completed } from '../../../canisters/api/openai_reply';

const MARKET = { job_id: '7', providers: ['aaaaa-aa'], cost: '1200000', verification: 'one replica' };
const DONE: Completed = { job_id: 7n, model: 'tiny', created: 1_800_000_000, text: 'Hello there', prompt_tokens: 5, completion_tokens: 3, finish_reason: 'stop', market: MARKET };

/** A client whose every request is answered with `status`, `body` and `headers`. */
const clientAnswering = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new OpenAI({ apiKey: 'sk-icp-0-x', baseURL: 'http://canister.localhost/v1', maxRetries: 0, fetch: async () => new Response(body, { status, headers }) });
const json = (value: object) => JSON.stringify(value);

describe('replies the openai client parses', () => {
  it('a chat completion, with our market field alongside', async () => {
    const reply = await clientAnswering(200, json(chatCompletion(DONE))).chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }] });
    expect(reply.id).toBe('chatcmpl-7');
    expect(reply.object).toBe('chat.completion');
    expect(reply.choices[0].message).toMatchObject({ role: 'assistant', content: 'Hello there' });
    expect(reply.choices[0].finish_reason).toBe('stop');
    expect(reply.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect((reply as unknown as { market: unknown }).market).toEqual(MARKET);
  });

  it('a text completion', async () => {
    const reply = await clientAnswering(200, json(textCompletion({ ...DONE, finish_reason: 'length' }))).completions.create({ model: 'tiny', prompt: 'Once' });
    expect(reply).toMatchObject({ id: 'cmpl-7', object: 'text_completion', choices: [{ index: 0, text: 'Hello there', finish_reason: 'length' }] });
  });

  it('a chat stream: the text, the finish, the usage chunk when asked, then [DONE]', async () => {
    const client = clientAnswering(200, completionStream('chat', DONE, true), { 'content-type': 'text/event-stream' });
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.object)).toEqual(['chat.completion.chunk', 'chat.completion.chunk', 'chat.completion.chunk']);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello there');
    expect(chunks[1].choices[0].finish_reason).toBe('stop');
    expect(chunks[2]).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
  });

  it('a completion stream without usage', async () => {
    const client = clientAnswering(200, completionStream('completion', DONE, false), { 'content-type': 'text/event-stream' });
    const texts: string[] = [];
    for await (const chunk of await client.completions.create({ model: 'tiny', prompt: 'Once', stream: true })) {
      expect(chunk).not.toHaveProperty('usage');
      texts.push(chunk.choices[0].text);
    }
    expect(texts.join('')).toBe('Hello there');
  });

  it('embeddings as floats, and as base64 the client decodes to the same floats', async () => {
    const vectors = [[0.25, -1.5, 3], [1, 0, -0.125]];
    const embedded = { job_id: 7n, model: 'use', vectors, prompt_tokens: 4, market: MARKET };
    const floats = await clientAnswering(200, json(embeddingList(embedded, 'float'))).embeddings.create({ model: 'use', input: ['a', 'b'], encoding_format: 'float' });
    expect(floats.data.map((d) => d.embedding)).toEqual(vectors);
    expect(floats.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    // Without encoding_format the client asks for base64 and decodes it itself.
    const decoded = await clientAnswering(200, json(embeddingList(embedded, 'base64'))).embeddings.create({ model: 'use', input: ['a', 'b'] });
    expect(decoded.data.map((d) => d.embedding)).toEqual(vectors);
  });
});

describe('errors the openai client raises as its own classes', () => {
  const raised = async (e: ApiError) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
    return clientAnswering(e.status, json(errorBody(e)), headers)
      .chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }] })
      .then(() => undefined, (error: unknown) => error);
  };

  it.each([
    [badRequest('bad', 'temperature'), OpenAI.BadRequestError],
    [apiError(401, 'Incorrect API key provided', 'invalid_request_error', null, 'invalid_api_key'), OpenAI.AuthenticationError],
    [apiError(404, 'no such model', 'invalid_request_error', 'model', 'model_not_found'), OpenAI.NotFoundError],
    [{ ...apiError(429, 'slow down', 'requests', null, 'rate_limit_exceeded'), retryAfter: 12 }, OpenAI.RateLimitError],
    [apiError(503, 'no provider serves this model now', 'server_error', null, 'no_provider'), OpenAI.InternalServerError],
  ])('%j', async (e, errorClass) => {
    const error = await raised(e);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status: e.status, code: e.error.code, param: e.error.param, type: e.error.type });
    expect((error as Error).message).toContain(e.error.message);
  });

  it('a 402 reaches the application as an APIError with its status and code', async () => {
    const error = await raised(apiError(402, 'allowance too small', 'insufficient_funds', null, 'insufficient_allowance'));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 402, code: 'insufficient_allowance' });
  });
});
