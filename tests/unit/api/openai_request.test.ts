// Request bodies as OpenAI reads them: JSON in UTF-8 under application/json, known fields only, each in the range
// the market honours, and every refusal a 400 (413 oversize, 415 wrong type) that names the field at fault.
import { describe, expect, it } from 'vitest';

import { MAX_BODY_BYTES, parseRequest, readBody, type Endpoint } from '../../../canisters/api/openai_request';

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (endpoint: Endpoint, body: object) => parseRequest(endpoint, body as Record<string, unknown>);
const CHAT = { model: 'tiny', messages: [{ role: 'user', content: 'Hi' }] };

describe('readBody', () => {
  it('takes a JSON object under application/json, with or without a UTF-8 charset', () => {
    expect(readBody('application/json', bytes('{"a":1}'))).toEqual({ Ok: { a: 1 } });
    expect(readBody('Application/JSON; charset="UTF-8"', bytes('{"a":"é"}'))).toEqual({ Ok: { a: 'é' } });
  });

  it('refuses other types, other charsets, bad bytes, bad JSON, non-objects and oversize bodies', () => {
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'])
      expect(readBody(type, bytes('{}'))).toMatchObject({ Err: { status: 415, error: { code: 'unsupported_media_type' } } });
    expect(readBody('application/json', new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({ Err: { status: 400, error: { message: 'The request body is not valid UTF-8' } } });
    expect(readBody('application/json', bytes('{"a":'))).toMatchObject({ Err: { status: 400, error: { type: 'invalid_request_error' } } });
    expect(readBody('application/json', bytes('[1]'))).toMatchObject({ Err: { status: 400, error: { message: 'The request body must be a JSON object' } } });
    expect(readBody('application/json', new Uint8Array(MAX_BODY_BYTES + 1))).toMatchObject({ Err: { status: 413 } });
  });
});

describe('chat completions', () => {
  it('normalizes messages, sampling and streaming', () => {
    const parsed = parse('chat', {
      ...CHAT,
      messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }] }],
      temperature: 0.7,
      top_p: 0.9,
      seed: 42,
      stop: 'END',
      max_completion_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      user: 'u-1',
    });
    expect(parsed).toEqual({
      Ok: {
        kind: 'chat',
        model: 'tiny',
        messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi there' }],
        sampling: { temperature: 0.7, top_p: 0.9, seed: 42, stop: ['END'], max_tokens: 64 },
        stream: true,
        include_usage: true,
      },
    });
    expect(parse('chat', CHAT)).toEqual({ Ok: { kind: 'chat', model: 'tiny', messages: CHAT.messages, sampling: { stop: [] }, stream: false, include_usage: false } });
  });

  it.each([
    [{ ...CHAT, foo: 1 }, 'foo', 'Unrecognized request argument supplied: foo'],
    [{ ...CHAT, constructor: 1 }, 'constructor', 'Unrecognized request argument supplied: constructor'],
    [JSON.parse('{"model":"tiny","messages":[{"role":"user","content":"Hi"}],"__proto__":{"n":2}}'), '__proto__', undefined],
    [{ ...CHAT, toString: 'x' }, 'toString', undefined],
    [{ ...CHAT, n: 2 }, 'n', "'n' is not supported: leave it out or send 1"],
    [{ ...CHAT, tools: [{}] }, 'tools', "'tools' is not supported: leave it out or send null"],
    [{ messages: CHAT.messages }, 'model', "'model' is required: a model id from GET /v1/models"],
    [{ ...CHAT, messages: [] }, 'messages', "'messages' must be a list of 1 to 256 messages"],
    [{ ...CHAT, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', "'messages[0].role' must be one of system, developer, user, assistant"],
    [{ ...CHAT, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content', undefined],
    [{ ...CHAT, messages: [{ role: 'user', content: 'x', tool_calls: [] }] }, 'messages[0].tool_calls', undefined],
    [{ ...CHAT, temperature: 3 }, 'temperature', "'temperature' must be a number from 0 to 2"],
    [{ ...CHAT, temperature: '1' }, 'temperature', undefined],
    [{ ...CHAT, top_p: 0 }, 'top_p', undefined],
    [{ ...CHAT, seed: -1 }, 'seed', undefined],
    [{ ...CHAT, seed: 1.5 }, 'seed', undefined],
    [{ ...CHAT, max_tokens: 0 }, 'max_tokens', "'max_tokens' must be an integer from 1 to 4096"],
    [{ ...CHAT, max_tokens: 4097 }, 'max_tokens', undefined],
    [{ ...CHAT, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', undefined],
    [{ ...CHAT, stop: [''] }, 'stop', undefined],
    // The marketplace's limit of 64 UTF-8 bytes a stop, counted in bytes: 33 two-byte characters pass 64.
    [{ ...CHAT, stop: 'x'.repeat(65) }, 'stop', "'stop' must be a string or a list of at most 4: stop: each stop is 1 to 64 UTF-8 bytes (one is 65)"],
    [{ ...CHAT, stop: ['ok', 'é'.repeat(33)] }, 'stop', undefined],
    [{ ...CHAT, stop: [1] }, 'stop', undefined],
    [{ ...CHAT, stream: 'yes' }, 'stream', undefined],
    [{ ...CHAT, stream_options: { include_usage: true } }, 'stream_options', "'stream_options' is only allowed when 'stream' is true"],
    [{ ...CHAT, stream: true, stream_options: { other: 1 } }, 'stream_options', undefined],
  ])('refuses %j naming %s', (body, param, message) => {
    const refused = parse('chat', body);
    expect(refused).toMatchObject({ Err: { status: 400, error: { type: 'invalid_request_error', param } } });
    if (message !== undefined) expect(refused).toMatchObject({ Err: { error: { message } } });
  });
});

describe('completions', () => {
  it('takes a prompt or a list of one, and refuses chat fields', () => {
    expect(parse('completion', { model: 'tiny', prompt: ['Once'], max_tokens: 8 })).toEqual({
      Ok: { kind: 'completion', model: 'tiny', prompt: 'Once', sampling: { stop: [], max_tokens: 8 }, stream: false, include_usage: false },
    });
    expect(parse('completion', { model: 'tiny', prompt: ['a', 'b'] })).toMatchObject({ Err: { status: 400, error: { param: 'prompt' } } });
    expect(parse('completion', { model: 'tiny', prompt: 'x', messages: [] })).toMatchObject({ Err: { status: 400, error: { param: 'messages' } } });
    expect(parse('completion', { model: 'tiny', prompt: 'x', echo: true })).toMatchObject({ Err: { status: 400, error: { param: 'echo' } } });
  });
});

describe('embeddings', () => {
  it('takes a string or a list of strings, in float or base64', () => {
    expect(parse('embedding', { model: 'use', input: 'hello' })).toEqual({ Ok: { kind: 'embedding', model: 'use', input: ['hello'], encoding_format: 'float' } });
    expect(parse('embedding', { model: 'use', input: ['a', 'b'], encoding_format: 'base64' })).toMatchObject({ Ok: { input: ['a', 'b'], encoding_format: 'base64' } });
  });

  it('refuses token arrays, empty or too many inputs, other formats and dimensions', () => {
    for (const input of [[1, 2], [], '', Array.from({ length: 17 }, () => 'x')])
      expect(parse('embedding', { model: 'use', input })).toMatchObject({ Err: { status: 400, error: { param: 'input' } } });
    expect(parse('embedding', { model: 'use', input: 'a', encoding_format: 'int8' })).toMatchObject({ Err: { error: { param: 'encoding_format' } } });
    expect(parse('embedding', { model: 'use', input: 'a', dimensions: 8 })).toMatchObject({ Err: { error: { param: 'dimensions' } } });
    expect(parse('embedding', { model: 'use', input: 'a', temperature: 1 })).toMatchObject({ Err: { error: { param: 'temperature' } } });
  });
});
