// The HTTP API's decisions with the peers faked: routes, CORS and preflight, the job each OpenAI request becomes
// (chat messages for the template, a drawn seed when sampling, the short-job limit), the status of each market
// failure, and the key's cap held while jobs run (twice the quote and two fees): released with the real price and
// fee, the fees of a refunded job, nothing for a refusal before any escrow, all of it when the outcome is unknown,
// and never passed by concurrent requests or a batch.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { handle, MAX_LISTED, type Deps } from '../../../canisters/api/handler';
import { MAX_API_TOKENS } from '../../../canisters/api/job_of';
import { KeyRing, type ApiKey, type KeyTerms } from '../../../canisters/api/keys';
import { ModelsCache } from '../../../canisters/api/models_cache';
import type { HttpRequest, HttpResponse } from '../../../canisters/api/types';
import type { Job, JobError, JobRequest, JobRun } from '../../../canisters/marketplace/job_types';
import type { Model } from '../../../canisters/shared/models';
import { memoryKeyStore } from './memory_key_store';

const NOW = 1_800_000_000_000_000_000n;
const OWNER = Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
const NODE = Principal.fromText('aaaaa-aa');
const PAYMENT = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const PRICE = 100n;
const FEE = 10n;
/** What one job holds: twice its quote, and the escrow's and a refund's fees. */
const HOLD = 2n * PRICE + 2n * FEE;

const model = (id: bigint, task: Model['task']): Model => ({
  id,
  name: `m${id}`,
  version: '1',
  task,
  format: { gguf: null },
  sha256: new Uint8Array(32),
  size_bytes: 1n,
  license: 'mit',
  creator: OWNER,
  royalty_bps: 0,
  access: { public: null },
  published_at: NOW,
});
const MODELS = [model(0n, { text_generation: null }), model(1n, { embedding: null }), model(2n, { image_generation: null })];

type Fake = Deps & { runs: JobRequest[]; answer: (request: JobRequest) => Promise<{ Ok: JobRun } | { Err: JobError }> };

function fake(terms: Partial<KeyTerms> = {}): { deps: Fake; secret: string; key: () => ApiKey } {
  const store = memoryKeyStore();
  const ring = new KeyRing(store);
  const created = ring.create(
    OWNER,
    { name: 'k', spend_cap: 1_000n, expires_at: [], models: [], requests_per_minute: 600, ...terms },
    new Uint8Array(32),
    NOW,
  );
  if (!('Ok' in created)) throw new Error('no key');
  let jobId = 0n;
  const deps: Fake = {
    ring,
    modelsCache: new ModelsCache(),
    runs: [],
    now: () => NOW,
    payment: () => PAYMENT,
    models: async () => ({ Ok: MODELS }),
    model: async (id) => ({ Ok: MODELS.find((m) => m.id === id) }),
    offers: async () => ({ Ok: [] }),
    quote: async () => ({
      Ok: { Ok: { chosen: [{ offer: 0n, provider: NODE, quote: PRICE, score_bps: 0 }] as never, total: PRICE, multiplier_bps: 10_000 } },
    }),
    async runFor(owner, request) {
      expect(owner.toText()).toBe(OWNER.toText());
      deps.runs.push(request);
      return { Ok: await deps.answer(request) };
    },
    answer: async (request) => ({ Ok: run(jobId++, request, 'Hello there') }),
    fee: async () => ({ Ok: FEE }),
    seed: async () => 777,
  };
  return { deps, secret: created.Ok.secret, key: () => store.keys.get(0n)! };
}

function run(id: bigint, request: JobRequest, text: string): JobRun {
  const job = { id, consumer: OWNER, request, price: PRICE, paid_nodes: [NODE], state: { settled: null } } as unknown as Job;
  const output = {
    job_id: id,
    consumer: OWNER,
    node: NODE,
    output_sha256: new Uint8Array(32),
    tokens: [1, 2, 3],
    text: [text] as [string],
    vector: [0.5, -0.25],
    runtime: 'test',
    completed_at: NOW,
    prompt_tokens: [7] as [number],
  };
  return { job, output };
}

const request = (method: string, url: string, body?: unknown, headers: [string, string][] = []): HttpRequest => ({
  method,
  url,
  headers: body === undefined ? headers : [['content-type', 'application/json'], ...headers],
  body: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
  certificate_version: [],
});
const post = (secret: string, url: string, body: unknown) => request('POST', url, body, [['authorization', `Bearer ${secret}`]]);
const bodyOf = (r: HttpResponse) => JSON.parse(new TextDecoder().decode(r.body));
const headerOf = (r: HttpResponse, name: string) => r.headers.find(([n]) => n === name)?.[1];
const CHAT = { model: '0', messages: [{ role: 'user', content: 'Hi' }], temperature: 0 };

describe('routes', () => {
  it('answers a preflight with CORS headers that allow Authorization, and CORS on every answer', async () => {
    const { deps } = fake();
    const pre = await handle(deps, request('OPTIONS', '/v1/chat/completions'));
    expect(pre.status_code).toBe(204);
    expect(headerOf(pre, 'access-control-allow-headers')).toMatch(/Authorization/);
    expect(headerOf(pre, 'access-control-allow-origin')).toBe('*');
    const asked = 'authorization, content-type, x-stainless-helper-method';
    const echoed = await handle(deps, request('OPTIONS', '/v1/chat/completions', undefined, [['Access-Control-Request-Headers', asked]]));
    expect(headerOf(echoed, 'access-control-allow-headers')).toBe(asked);
    const missing = await handle(deps, request('GET', '/v2/nothing'));
    expect(missing.status_code).toBe(404);
    expect(headerOf(missing, 'access-control-allow-origin')).toBe('*');
    expect(bodyOf(missing).error).toMatchObject({ type: 'invalid_request_error', code: 'unknown_url' });
  });

  it('refuses a wrong method with 405 and the method the path takes', async () => {
    const { deps } = fake();
    const wrong = await handle(deps, request('GET', '/v1/chat/completions'));
    expect(wrong.status_code).toBe(405);
    expect(headerOf(wrong, 'allow')).toBe('POST, OPTIONS');
  });

  it('lists the models the API serves, with no key, and 404s one it does not', async () => {
    const { deps } = fake();
    const list = bodyOf(await handle(deps, request('GET', '/v1/models')));
    expect(list.object).toBe('list');
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(['0', '1']);
    expect(list.data[0]).toMatchObject({ object: 'model', owned_by: OWNER.toText(), task: 'text_generation', live_providers: 0 });
    expect((await handle(deps, request('GET', '/v1/models/1'))).status_code).toBe(200);
    for (const id of ['2', '9', 'gpt-4', '01']) expect((await handle(deps, request('GET', `/v1/models/${id}`))).status_code).toBe(404);
  });
});

describe('the job a request becomes', () => {
  it('sends a chat as its messages for the chat template, greedy when asked, with the default budget', async () => {
    const { deps, secret } = fake();
    const answer = await handle(deps, post(secret, '/v1/chat/completions', CHAT));
    expect(answer.status_code).toBe(200);
    const [job] = deps.runs;
    expect(job.input).toEqual([JSON.stringify([{ role: 'user', content: 'Hi' }])]);
    expect(job.generation).toEqual([{ temperature: 0, top_p: 1, seed: 0, stop: [], chat: true }]);
    // Room above the quote, so a price risen as the market fills still runs; the price it ran at is charged.
    expect(job).toMatchObject({ max_tokens: 128, max_price: 2n * PRICE, redundancy: 1 });
    expect(bodyOf(answer)).toMatchObject({
      object: 'chat.completion',
      model: '0',
      choices: [{ message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      market: { job_id: '0', cost: '100', providers: [NODE.toText()] },
    });
  });

  it('draws a seed for a sampled request without one, and keeps the one given', async () => {
    const { deps, secret } = fake();
    await handle(deps, post(secret, '/v1/completions', { model: '0', prompt: 'Hi', temperature: 0.7 }));
    await handle(deps, post(secret, '/v1/completions', { model: '0', prompt: 'Hi', temperature: 0.7, seed: 5, stop: 'x' }));
    expect(deps.runs.map((r) => r.generation[0])).toEqual([
      { temperature: 0.7, top_p: 1, seed: 777, stop: [], chat: false },
      { temperature: 0.7, top_p: 1, seed: 5, stop: ['x'], chat: false },
    ]);
  });

  it('refuses a stop the marketplace would refuse with 400, before anything is quoted', async () => {
    const { deps, secret } = fake();
    let quoted = 0;
    const quote = deps.quote;
    deps.quote = (r) => (quoted++, quote(r));
    const answer = await handle(deps, post(secret, '/v1/chat/completions', { ...CHAT, stop: 'x'.repeat(65) }));
    expect(answer.status_code).toBe(400);
    expect(bodyOf(answer).error).toMatchObject({ param: 'stop' });
    expect([quoted, deps.runs.length]).toEqual([0, 0]);
  });

  it('refuses a budget too long for one call with 400 naming the limit, before anything runs', async () => {
    const { deps, secret } = fake();
    const answer = await handle(deps, post(secret, '/v1/chat/completions', { ...CHAT, max_tokens: MAX_API_TOKENS + 1 }));
    expect(answer.status_code).toBe(400);
    expect(bodyOf(answer).error).toMatchObject({ param: 'max_tokens' });
    expect(bodyOf(answer).error.message).toContain(String(MAX_API_TOKENS));
    expect(deps.runs).toEqual([]);
  });

  it('streams a finished completion as chunks ending in [DONE]', async () => {
    const { deps, secret } = fake();
    const answer = await handle(
      deps,
      post(secret, '/v1/chat/completions', { ...CHAT, stream: true, stream_options: { include_usage: true } }),
    );
    expect(headerOf(answer, 'content-type')).toMatch(/^text\/event-stream/);
    const text = new TextDecoder().decode(answer.body);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).toContain('"object":"chat.completion.chunk"');
  });

  it('runs one job per embedding input, and refuses a text model on the embeddings endpoint', async () => {
    const { deps, secret, key } = fake();
    const answer = bodyOf(await handle(deps, post(secret, '/v1/embeddings', { model: '1', input: ['a', 'bc'] })));
    expect(deps.runs.map((r) => r.input[0])).toEqual(['a', 'bc']);
    expect(answer).toMatchObject({
      object: 'list',
      data: [{ index: 0, embedding: [0.5, -0.25] }, { index: 1 }],
      market: { job_id: '0,1', cost: '200' },
    });
    const wrong = await handle(deps, post(secret, '/v1/embeddings', { model: '0', input: 'a' }));
    expect(wrong.status_code).toBe(400);
    expect(key()).toMatchObject({ held: 0n, spent: 2n * (PRICE + FEE) });
  });

  it('holds a whole batch before its first job: a cap short of it runs none, never half', async () => {
    const { deps, secret, key } = fake({ spend_cap: 2n * HOLD - 1n });
    const refused = await handle(deps, post(secret, '/v1/embeddings', { model: '1', input: ['a', 'b'] }));
    expect(refused.status_code).toBe(429);
    expect(bodyOf(refused).error.code).toBe('insufficient_quota');
    expect(deps.runs).toEqual([]);
    expect(key()).toMatchObject({ held: 0n, spent: 0n });
  });

  it('runs nothing for a key revoked while its request waited for the registry and the quote', async () => {
    const { deps, secret, key } = fake();
    const quote = deps.quote;
    deps.quote = (r) => (deps.ring.revoke(OWNER, 0n, NOW), quote(r));
    const revoked = await handle(deps, post(secret, '/v1/embeddings', { model: '1', input: ['a', 'b'] }));
    expect(revoked.status_code).toBe(401);
    expect(bodyOf(revoked).error.message).toBe('The API key was revoked');
    expect(deps.runs).toEqual([]);
    expect(key()).toMatchObject({ held: 0n, spent: 0n });
  });
});

describe('statuses', () => {
  const failing = async (error: JobError) => {
    const { deps, secret, key } = fake();
    deps.answer = async () => ({ Err: error });
    const answer = await handle(deps, post(secret, '/v1/chat/completions', CHAT));
    return { answer, key: key(), retry: headerOf(answer, 'x-should-retry') };
  };

  it('maps the market’s failures to the statuses clients act on, and never 409', async () => {
    // Each with what it cost the owner: nothing before an escrow, the two fees of a refund, all that was held when
    // the outcome is unknown (the job may have run and been paid). Once something was charged, no client retry.
    const cases: [JobError, number, bigint][] = [
      [{ PaymentFailed: '{"LedgerError":"{\\"InsufficientAllowance\\":{\\"allowance\\":\\"0\\"}}"}' }, 402, 0n],
      [{ PaymentFailed: '{"AllowanceBusy":{"job_id":"3"}}' }, 429, 0n],
      [{ NoMatch: { needed: 1, eligible: 0, offers: [], more_offers: 0n, other_model_offers: 0n } }, 503, 0n],
      [{ JobFailed: { job_id: 4n, reason: 'timed out' } }, 504, 2n * FEE],
      [{ JobFailed: { job_id: 4n, reason: '0 of 1 nodes answered' } }, 502, 2n * FEE],
      [{ UnknownModel: { model: 0n } }, 404, 0n],
      [{ Busy: null }, 503, HOLD],
      [{ NotFound: null }, 502, HOLD],
      [{ InvalidTransition: { from: { settled: null }, event: 'x' } }, 502, HOLD],
    ];
    for (const [error, status, spent] of cases) {
      const { answer, key, retry } = await failing(error);
      const named = JSON.stringify(error, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
      expect(answer.status_code, named).toBe(status);
      expect(key, named).toMatchObject({ held: 0n, spent, holds: [] });
      expect(retry, named).toBe(spent > 0n || status === 402 ? 'false' : undefined);
    }
    const { answer } = await failing({ PaymentFailed: 'InsufficientFunds' });
    expect(bodyOf(answer).error.message).toContain(`${PRICE + 10n} base units`);
    expect(bodyOf(answer).error.message).toContain(PAYMENT.toText());
  });

  it('charges all it held when the marketplace call itself fails (the job may have run), and says not to retry', async () => {
    const { deps, secret, key } = fake();
    deps.runFor = async () => ({ Err: 'marketplace call failed: SysTransient' });
    const failed = await handle(deps, post(secret, '/v1/chat/completions', CHAT));
    expect(failed.status_code).toBe(502);
    expect(headerOf(failed, 'x-should-retry')).toBe('false');
    expect(key()).toMatchObject({ held: 0n, spent: HOLD });
  });

  it('leaves retries to the client when the quote finds no provider: nothing was paid', async () => {
    const { deps, secret, key } = fake();
    deps.quote = async () => ({ Ok: { Err: { needed: 1, eligible: 0, offers: [], more_offers: 0n, other_model_offers: 0n } } });
    const none = await handle(deps, post(secret, '/v1/chat/completions', CHAT));
    expect(none.status_code).toBe(503);
    expect(headerOf(none, 'x-should-retry')).toBeUndefined();
    expect(key()).toMatchObject({ held: 0n, spent: 0n });
  });

  it('answers 502 before holding anything when the ledger’s fee cannot be had', async () => {
    const { deps, secret, key } = fake();
    deps.fee = async () => ({ Err: 'the ledger is stopped' });
    const failed = await handle(deps, post(secret, '/v1/chat/completions', CHAT));
    expect(failed.status_code).toBe(502);
    expect(deps.runs).toEqual([]);
    expect(key()).toMatchObject({ held: 0n, spent: 0n });
  });

  it('counts the price and the escrow’s fee as spent, and never lets concurrent requests pass the cap', async () => {
    const { deps, secret, key } = fake({ spend_cap: 3n * HOLD + HOLD / 2n });
    const gates: (() => void)[] = [];
    const inner = deps.answer;
    deps.answer = (r) => new Promise((resolve) => gates.push(() => resolve(inner(r))));
    const answers = Array.from({ length: 5 }, () => handle(deps, post(secret, '/v1/chat/completions', CHAT)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(key().held).toBe(3n * HOLD);
    for (const open of gates) open();
    const statuses = (await Promise.all(answers)).map((a) => a.status_code).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(key()).toMatchObject({ held: 0n, spent: 3n * (PRICE + FEE) });
  });

  it('refuses a missing or wrong key with 401 before reading the model', async () => {
    const { deps } = fake();
    expect((await handle(deps, request('POST', '/v1/chat/completions', CHAT))).status_code).toBe(401);
    expect((await handle(deps, post('sk-icp-0-wrong', '/v1/chat/completions', CHAT))).status_code).toBe(401);
    expect(deps.runs).toEqual([]);
  });
});

describe('the unkeyed model GETs', () => {
  // Counts the registry and marketplace reads a fake's requests make.
  function counted() {
    const { deps } = fake();
    const calls = { models: 0, model: 0, offers: 0 };
    const [models, model, offers] = [deps.models, deps.model, deps.offers];
    deps.models = (...a) => (calls.models++, models(...a));
    deps.model = (...a) => (calls.model++, model(...a));
    deps.offers = (...a) => (calls.offers++, offers(...a));
    return { deps, calls };
  }

  it('answer the list and each listed model from one load for a minute, and load again after it', async () => {
    const { deps, calls } = counted();
    let now = NOW;
    deps.now = () => now;
    expect((await handle(deps, request('GET', '/v1/models'))).status_code).toBe(200);
    expect(calls).toEqual({ models: 1, model: 0, offers: 2 });
    expect(bodyOf(await handle(deps, request('GET', '/v1/models'))).data).toHaveLength(2);
    expect(bodyOf(await handle(deps, request('GET', '/v1/models/1'))).id).toBe('1');
    // The registry's page was not full: a model not listed does not exist, and no peer is asked.
    expect((await handle(deps, request('GET', '/v1/models/9'))).status_code).toBe(404);
    expect(calls).toEqual({ models: 1, model: 0, offers: 2 });
    now += 60_000_000_000n;
    await handle(deps, request('GET', '/v1/models'));
    expect(calls).toEqual({ models: 2, model: 0, offers: 4 });
  });

  it('ask the registry for a model past a full first page', async () => {
    const { deps, calls } = counted();
    const many = Array.from({ length: MAX_LISTED }, (_, i) => model(BigInt(i), { text_generation: null }));
    const beyond = model(BigInt(MAX_LISTED), { embedding: null });
    deps.models = async () => (calls.models++, { Ok: many });
    deps.model = async (id) => (calls.model++, { Ok: id === beyond.id ? beyond : undefined });
    expect((await handle(deps, request('GET', `/v1/models/${MAX_LISTED}`))).status_code).toBe(200);
    expect((await handle(deps, request('GET', `/v1/models/${MAX_LISTED + 1}`))).status_code).toBe(404);
    expect(calls.model).toBe(2);
  });

  it('answer a failed load with 502 in OpenAI’s shape', async () => {
    const { deps } = fake();
    deps.models = async () => ({ Err: 'the registry is stopped' });
    const failed = await handle(deps, request('GET', '/v1/models'));
    expect(failed.status_code).toBe(502);
    expect(bodyOf(failed).error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
  });
});
