import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { answerOf, checkEndpointUrl, jobBody, maxResponseBytes, outputOf, parseAnswer } from '../../../canisters/bridge/answers';
import type { DispatchRequest } from '../../../canisters/bridge/types';

const request: DispatchRequest = {
  job_id: 7n,
  consumer: Principal.anonymous(),
  kind: { text_generation: null },
  model_sha256: new Uint8Array(32).fill(0xab),
  input: 'Why is the sky blue?',
  max_tokens: 16,
  redundancy: 1,
  nodes: [],
  generation: [],
};
const tokens = [5, 6, 7];
// The canonical output a text job's hash covers: its tokens and its text, in this order.
const sha = (t: number[], text = 'x') =>
  createHash('sha256')
    .update(JSON.stringify({ tokens: t, text }))
    .digest('hex');
const answer = (over: Record<string, unknown> = {}) =>
  new TextEncoder().encode(
    JSON.stringify({ job_id: '7', kind: 'text_generation', output_sha256: sha(tokens), tokens, text: 'x', runtime: 'rt', ...over }),
  );

describe('what the bridge sends to workers and accepts from them', () => {
  it('sends the job as the worker’s JSON: decimal id, kind name, model hash in hex', () => {
    expect(JSON.parse(jobBody(request))).toEqual({
      job_id: '7',
      kind: 'text_generation',
      model_sha256: 'ab'.repeat(32),
      input: 'Why is the sky blue?',
      max_tokens: 16,
    });
    expect(maxResponseBytes(request)).toBe(2_048n + 16n * 72n);
    expect(maxResponseBytes({ ...request, kind: { embedding: null } })).toBe(2_048n + 512n * 24n);
  });

  it('sends a job’s generation settings: sampling with its seed, stop strings and the chat flag, the same to every run', () => {
    const messages = JSON.stringify([{ role: 'user', content: 'Why is the sky blue?' }]);
    const chat: DispatchRequest = {
      ...request,
      input: messages,
      generation: [{ temperature: 0.8, top_p: 0.9, seed: 42, stop: ['\n', 'END'], chat: true }],
    };
    expect(JSON.parse(jobBody(chat))).toEqual({
      job_id: '7',
      kind: 'text_generation',
      model_sha256: 'ab'.repeat(32),
      input: messages,
      max_tokens: 16,
      sampling: { temperature: 0.8, top_p: 0.9, seed: 42 },
      stop: ['\n', 'END'],
      chat: true,
    });
    // A raw prompt with no stops sends neither field; a long job asks for the acknowledgement after them.
    const plain: DispatchRequest = {
      ...request,
      max_tokens: 512,
      generation: [{ temperature: 0, top_p: 1, seed: 0, stop: [], chat: false }],
    };
    expect(JSON.parse(jobBody(plain))).toEqual({
      job_id: '7',
      kind: 'text_generation',
      model_sha256: 'ab'.repeat(32),
      input: 'Why is the sky blue?',
      max_tokens: 512,
      sampling: { temperature: 0, top_p: 1, seed: 0 },
      mode: 'async',
    });
    // An audit's or a dispute's re-run (not async) posts the same settings as the run it checks.
    expect(JSON.parse(jobBody(chat, false))).toEqual(JSON.parse(jobBody(chat)));
  });

  it('accepts an answer for this job whose output hashes to the sha256 it claims', () => {
    const parsed = parseAnswer(request, 200n, answer());
    expect(parsed).toEqual({
      Ok: {
        output_sha256: new Uint8Array(Buffer.from(sha(tokens), 'hex')),
        tokens,
        text: 'x',
        vector: [],
        runtime: 'rt',
        prompt_tokens: undefined,
      },
    });
  });

  it('accepts a generation of no token (the model ended at once, or began with a stop string), not an empty vector', () => {
    const empty = parseAnswer(request, 200n, answer({ tokens: [], text: '', output_sha256: sha([], '') }));
    expect(empty).toMatchObject({ Ok: { tokens: [], text: '' } });
    const embedding: DispatchRequest = { ...request, kind: { embedding: null } };
    const noVector = JSON.stringify({
      job_id: '7',
      kind: 'embedding',
      vector: [],
      output_sha256: createHash('sha256').update('[]').digest('hex'),
      runtime: 'rt',
    });
    expect(parseAnswer(embedding, 200n, new TextEncoder().encode(noVector))).toEqual({ Err: 'the answer has no output' });
  });

  it('keeps the prompt’s token count a worker reports, and drops one that is not a count', () => {
    const promptTokens = (value: unknown) => {
      const parsed = parseAnswer(request, 200n, answer({ prompt_tokens: value }));
      if (!('Ok' in parsed)) throw new Error(parsed.Err);
      return parsed.Ok.prompt_tokens;
    };
    expect(promptTokens(12)).toBe(12);
    expect(promptTokens(0)).toBe(0);
    expect(promptTokens(4_294_967_295)).toBe(4_294_967_295);
    for (const bad of [-1, 1.5, '12', null, 2 ** 32, undefined]) expect(promptTokens(bad), String(bad)).toBeUndefined();
    // The consumer's output carries it (as an opt), and an audit reads it back from there.
    const parsed = parseAnswer(request, 200n, answer({ prompt_tokens: 12 }));
    if (!('Ok' in parsed)) throw new Error(parsed.Err);
    const output = outputOf(request, Principal.anonymous(), parsed.Ok, 5n);
    expect(output.prompt_tokens).toEqual([12]);
    expect(answerOf(output)).toEqual(parsed.Ok);
    expect(outputOf(request, Principal.anonymous(), { ...parsed.Ok, prompt_tokens: undefined }, 5n).prompt_tokens).toEqual([]);
  });

  it.each([
    ['another status', 500n, answer(), /answered 500/],
    ['not JSON', 200n, new TextEncoder().encode('<html>'), /not JSON/],
    ['another job', 200n, answer({ job_id: '8' }), /for job 8/],
    ['another kind', 200n, answer({ kind: 'embedding' }), /of kind embedding/],
    ['no output', 200n, answer({ tokens: 'many' }), /no output/],
    [
      'more tokens than max_tokens',
      200n,
      answer({ tokens: Array(17).fill(1), output_sha256: sha(Array(17).fill(1)) }),
      /17 tokens, more than the job's max_tokens of 16/,
    ],
    ['a hash that does not match', 200n, answer({ output_sha256: sha([1]) }), /does not hash/],
    [
      'a hash of the tokens alone',
      200n,
      answer({ output_sha256: createHash('sha256').update(JSON.stringify(tokens)).digest('hex') }),
      /does not hash/,
    ],
    ['text the hash does not cover (right tokens, other text)', 200n, answer({ text: 'a lie' }), /does not hash/],
    ['no text', 200n, answer({ text: undefined }), /no text/],
  ])('refuses %s', (_name, status, body, reason) => {
    const parsed = parseAnswer(request, status, body);
    if (!('Err' in parsed)) throw new Error('expected a refusal');
    expect(parsed.Err).toMatch(reason);
  });

  it.each([
    ['https://worker.example.com', undefined],
    ['http://127.0.0.1:8080/', undefined],
    ['ftp://worker.example.com', /http/],
    ['https://', /http/],
    ['https://user:pw@worker.example.com', /credentials/],
    ['https://worker.example.com/a b', /http/],
    [`https://${'a'.repeat(600)}.com`, /512/],
  ])('checks endpoint %s', (url, problem) => {
    const found = checkEndpointUrl(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
