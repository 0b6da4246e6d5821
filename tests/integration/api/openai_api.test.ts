// The OpenAI-compatible API on the real canisters, through the HTTP gateway, driven by the official `openai` client
// as any program would: models, chat and text completions (streamed too) run as real jobs on a tiny-llama worker and
// paid from the key owner's allowance, each refusal with the status and error class clients act on, a key's cap
// (prices and fees) never passed under concurrent requests, a failed job charged its fees once whatever the client's
// retries, revocation and expiry at once, keys that survive an upgrade, and the raw wire's bad bodies.
import { Principal } from '@dfinity/principal';
import { APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_API_TOKENS } from '../../../canisters/api/job_of';
import { localhostFetch } from '../../support/localhost_fetch';
import { FEE, PROMPT, balance, errName, jobRequest, ok, publishModel, WASM } from '../economy/deploy';
import { randomUser } from '../localnet/probe';
import { client, deployApi, owner, serveEmbeddings, type ApiMarket } from './fixture';

const MAX_TOKENS = 16;
/** The worker's offer: 1,000,000 base units a request (serveNode's price). */
const PRICE = 1_000_000n;
/** The embedding provider's offer a request (serveEmbeddings). */
const EMBEDDING_PRICE = 500_000n;

/** The error an API call ended with, failing the test if it succeeded. */
async function refusal(call: Promise<unknown>): Promise<APIError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the API to refuse');
}

describe('the OpenAI-compatible API', () => {
  let m: ApiMarket;
  let model: string;

  beforeAll(async () => {
    m = await deployApi();
    model = m.t.model.toString();
  });
  afterAll(() => m?.close());

  describe('models', () => {
    it('lists the registry’s model with its live provider and price, with no key', async () => {
      const models = [];
      for await (const listed of client(m, 'no key needed').models.list()) models.push(listed);
      const tiny = models.find((x) => x.id === model) as unknown as Record<string, unknown>;
      expect(tiny).toMatchObject({ object: 'model', owned_by: expect.stringMatching(/-/), name: 'tiny-llama', task: 'text_generation' });
      expect(tiny).toMatchObject({ live_providers: 1, price_per_request: PRICE.toString(), price_per_1k_tokens: null });
      expect(await client(m, 'x').models.retrieve(model)).toMatchObject({ id: model, object: 'model' });
      expect(await refusal(client(m, 'x').models.retrieve('424242'))).toBeInstanceOf(NotFoundError);
    });

    it('answers a stranger’s list for a minute from one load, with no call out, and shows a model published since after it', async () => {
      const ids = async () => {
        const listed: string[] = [];
        for await (const x of client(m, 'no key needed').models.list()) listed.push(x.id);
        return listed;
      };
      const counters = () => ({ registry: m.t.network.getCounters(m.t.e.ids.model_registry), api: m.t.network.getCounters(m.apiId) });
      await ids();
      const before = counters();
      expect(await ids()).toContain(model);
      const after = counters();
      // One message on the api canister (the gateway's http_request_update), none on the registry, no call made.
      expect(after.registry.messages - before.registry.messages).toBe(0);
      expect(after.api.messages - before.api.messages).toBe(1);
      expect(after.api.calls - before.api.calls).toBe(0);

      const fresh = (await publishModel(m.t.e, randomUser(), 'published-since', 0)).id.toString();
      expect(await ids()).not.toContain(fresh);
      await m.t.network.advanceTime(60_000);
      expect(await ids()).toContain(fresh);
      expect(await client(m, 'x').models.retrieve(fresh)).toMatchObject({ id: fresh, live_providers: 0 });
    });
  });

  describe('completions', () => {
    it('answers a chat completion as the owner’s job, the owner charged exactly the price and the escrow’s fee', async () => {
      const { who, secret } = await owner(m);
      const before = await balance(m.t.e, who);
      const reply = await client(m, secret).chat.completions.create({
        model,
        messages: [{ role: 'user', content: PROMPT }],
        max_tokens: MAX_TOKENS,
        temperature: 0,
      });
      expect(reply).toMatchObject({ object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant' } }] });
      expect(reply.choices[0].message.content).toEqual(expect.any(String));
      expect(reply.usage!.completion_tokens).toBeGreaterThan(0);
      const market = (reply as unknown as { market: { job_id: string; cost: string; providers: string[] } }).market;
      expect(market.cost).toBe(PRICE.toString());
      expect(market.providers).toEqual([m.worker.node.toText()]);
      // The job is the owner's: settled, its price the cost reported.
      m.t.e.marketplace.setPrincipal(who);
      expect(ok(await m.t.e.marketplace.get_job(BigInt(market.job_id)))).toMatchObject({
        state: { settled: null },
        price: PRICE,
        consumer: who,
      });
      expect(before - (await balance(m.t.e, who))).toBe(PRICE + FEE);
      // The prompt as the worker's chat template rendered it, counted by the worker.
      expect(reply.usage!.prompt_tokens).toBeGreaterThan(0);
    });

    it('runs jobs for owners only from the api canister: run_job_for is refused by ingress, whoever signs', async () => {
      const { who } = await owner(m);
      const request = jobRequest(m.t.model, { max_tokens: 4 });
      for (const caller of [who, m.t.e.deployer]) {
        m.t.e.marketplace.setPrincipal(caller);
        await expect(m.t.e.marketplace.run_job_for(who, request)).rejects.toThrow(/rejected the message/);
      }
    });

    it('answers a greedy text completion with the text the model gives the prompt directly', async () => {
      const { secret } = await owner(m);
      const reply = await client(m, secret).completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0 });
      const direct = await m.t.generator.generate(PROMPT, MAX_TOKENS);
      expect(reply).toMatchObject({ object: 'text_completion', choices: [{ text: direct.text }] });
      expect(reply.usage!.completion_tokens).toBe(direct.tokens.length);
    });

    it('streams a chat completion as chunks ending with the finish and a usage chunk', async () => {
      const { secret } = await owner(m);
      const stream = await client(m, secret).chat.completions.create({
        model,
        messages: [{ role: 'user', content: PROMPT }],
        max_tokens: MAX_TOKENS,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null).filter((f) => f !== null)).toHaveLength(1);
      expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
    });
  });

  it('answers embeddings, one job per input, with the trained model’s vectors; a batch the cap cannot hold runs none', async () => {
    const { model: embeddings, embedder } = await serveEmbeddings(m);
    const { secret } = await owner(m);
    const inputs = ['Why is the sky blue?', 'The bakery sells bread.'];
    const reply = await client(m, secret).embeddings.create({ model: embeddings, input: inputs, encoding_format: 'float' });
    expect(reply.data.map((d) => d.index)).toEqual([0, 1]);
    for (const [i, input] of inputs.entries()) {
      const direct = (await embedder.embed(input)).vector;
      expect(reply.data[i].embedding.map((x) => Math.fround(x))).toEqual(direct.map((x) => Math.fround(x)));
    }
    expect((reply as unknown as { market: { job_id: string } }).market.job_id.split(',')).toHaveLength(2);
    // A batch is held whole before any job runs: a cap that holds one input's job but not two runs none of them.
    const narrow = await owner(m, { spend_cap: 3n * EMBEDDING_PRICE });
    const before = await balance(m.t.e, narrow.who);
    const refused = await refusal(client(m, narrow.secret).embeddings.create({ model: embeddings, input: inputs }));
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(await balance(m.t.e, narrow.who)).toBe(before);
    await client(m, narrow.secret).embeddings.create({ model: embeddings, input: inputs[0] });
    expect(before - (await balance(m.t.e, narrow.who))).toBe(EMBEDDING_PRICE + FEE);
    // Without encoding_format the client asks for base64 (little-endian float32) and decodes it: the same vectors.
    const packed = await client(m, secret).embeddings.create({ model: embeddings, input: inputs });
    expect(packed.data.map((d) => d.embedding.map((x) => Math.fround(x)))).toEqual(
      reply.data.map((d) => d.embedding.map((x) => Math.fround(x))),
    );
  });

  describe('refusals, each with its client error class', () => {
    it('401 for a missing, unknown or revoked key; the revoked one on the very next request', async () => {
      const { secret, id, who } = await owner(m);
      const ask = (key: string) => client(m, key).completions.create({ model, prompt: PROMPT, max_tokens: 4 });
      expect(await refusal(ask('sk-icp-0-not-a-key'))).toBeInstanceOf(AuthenticationError);
      await ask(secret);
      m.api.setPrincipal(who);
      ok(await m.api.revoke_api_key(id));
      const revoked = await refusal(ask(secret));
      expect(revoked).toBeInstanceOf(AuthenticationError);
      expect(revoked.message).toMatch(/revoked/);
    });

    it('401 once a key has expired', async () => {
      const now = BigInt(await m.t.network.getTime()) * 1_000_000n;
      const { secret } = await owner(m, { expires_at: [now + 60_000_000_000n] });
      await client(m, secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 });
      await m.t.network.advanceTime(61_000);
      const expired = await refusal(client(m, secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 }));
      expect(expired).toBeInstanceOf(AuthenticationError);
      expect(expired.message).toMatch(/expired/);
    });

    it('404 for an unknown model, 400 for a budget too long for one call, 429 past the rate with retry-after', async () => {
      const { secret } = await owner(m, { requests_per_minute: 2 });
      const api = client(m, secret);
      const unknown = await refusal(api.completions.create({ model: '424242', prompt: PROMPT }));
      expect(unknown).toBeInstanceOf(NotFoundError);
      const long = await refusal(api.completions.create({ model, prompt: PROMPT, max_tokens: MAX_API_TOKENS + 1 }));
      expect(long).toBeInstanceOf(BadRequestError);
      expect(long.message).toContain(String(MAX_API_TOKENS));
      const limited = await refusal(api.completions.create({ model, prompt: PROMPT, max_tokens: 4 }));
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    });

    it('402 naming payment when the owner’s allowance is too small, nothing charged', async () => {
      const { who, secret, id } = await owner(m, {}, { allowance: 1n });
      const before = await balance(m.t.e, who);
      const short = await refusal(client(m, secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 }));
      expect(short.status).toBe(402);
      expect(short.message).toContain(m.t.e.ids.payment.toText());
      expect(short.headers?.get('x-should-retry')).toBe('false');
      expect(await balance(m.t.e, who)).toBe(before);
      m.api.setPrincipal(who);
      expect((await m.api.list_api_keys()).find((k) => k.id === id)).toMatchObject({ spent: 0n, held: 0n });
    });

    it('a job that fails after its escrow: the key charged the two fees it cost, and one job only at the client’s default retries', async () => {
      const { who, secret, id } = await owner(m);
      const before = await balance(m.t.e, who);
      const jobs = () => new Set(m.worker.posts.map((p) => p.jobId)).size;
      const posted = jobs();
      m.failJobs(true);
      const failed = await refusal(
        client(m, secret, { retries: 'default' }).completions.create({ model, prompt: PROMPT, max_tokens: 4 }),
      ).finally(() => m.failJobs(false));
      expect(failed.status).toBe(502);
      expect(failed.message).toMatch(/refunded/);
      expect(failed.headers?.get('x-should-retry')).toBe('false');
      expect(jobs() - posted).toBe(1);
      // Refunded in full less the refund's fee, after the escrow's: two fees gone, and counted against the cap.
      expect(before - (await balance(m.t.e, who))).toBe(2n * FEE);
      m.api.setPrincipal(who);
      expect((await m.api.list_api_keys()).find((k) => k.id === id)).toMatchObject({ spent: 2n * FEE, held: 0n });
    });

    it('503 when no provider serves the model', async () => {
      const idle = (await publishModel(m.t.e, randomUser(), 'nobody-serves-me', 0)).id.toString();
      const { secret } = await owner(m);
      const none = await refusal(client(m, secret).completions.create({ model: idle, prompt: PROMPT, max_tokens: 4 }));
      expect(none.status).toBe(503);
    });
  });

  describe('keys', () => {
    it('never lets concurrent requests pass a key’s spend cap, prices and fees together', async () => {
      // Slots for every request, so none is refused for capacity before the cap is reached.
      m.t.e.marketplace.setPrincipal(m.worker.provider);
      const [offer] = ok(
        await m.t.e.marketplace.list_offers({ provider: [m.worker.provider], model: [] }, { offset: 0n, limit: 1 }),
      ).offers;
      ok(await m.t.e.marketplace.update_offer(offer.id, { ...offer.terms, capacity: 8 }));
      // Each request holds twice its quote (the price may rise that much before it runs) and two fees: two fit.
      const cap = 5n * PRICE;
      const { who, secret, id } = await owner(m, { spend_cap: cap });
      const before = await balance(m.t.e, who);
      const api = client(m, secret);
      const settled = await Promise.allSettled(
        Array.from({ length: 4 }, () => api.completions.create({ model, prompt: PROMPT, max_tokens: 4 })),
      );
      const costs = settled.flatMap((s) =>
        s.status === 'fulfilled' ? [BigInt((s.value as unknown as { market: { cost: string } }).market.cost)] : [],
      );
      expect(costs.length).toBeGreaterThan(0);
      const paid = costs.reduce((a, b) => a + b + FEE, 0n);
      expect(paid).toBeLessThanOrEqual(cap);
      expect(before - (await balance(m.t.e, who))).toBe(paid);
      // Past the cap is 429 insufficient_quota before anything runs (or 429 while payment takes another escrow).
      const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as APIError] : []));
      expect(refused.some((e) => e.status === 429 && e.code === 'insufficient_quota')).toBe(true);
      for (const e of refused) expect(e.status).toBe(429);
      m.api.setPrincipal(who);
      const [key] = (await m.api.list_api_keys()).filter((k) => k.id === id);
      expect(key.spent).toBe(paid);
      expect(key.held).toBe(0n);
    });

    it('lets no stranger list or revoke another’s keys, and refuses a key to one without an allowance', async () => {
      const { id, secret } = await owner(m);
      const stranger = randomUser();
      m.api.setPrincipal(stranger);
      expect(await m.api.list_api_keys()).toEqual([]);
      expect(errName(await m.api.revoke_api_key(id))).toBe('NotFound');
      await client(m, secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 });
      expect(errName(await m.api.create_api_key({ name: 'free', spend_cap: 1n, expires_at: [], models: [], requests_per_minute: 1 }))).toBe(
        'NotAllowed',
      );
      m.api.setPrincipal(Principal.anonymous());
      await expect(
        m.api.create_api_key({ name: 'anon', spend_cap: 1n, expires_at: [], models: [], requests_per_minute: 1 }),
      ).rejects.toThrow();
    });

    it('keeps keys, their spending and their revocations through an upgrade of the api canister', async () => {
      const kept = await owner(m);
      const gone = await owner(m);
      await client(m, kept.secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 });
      m.api.setPrincipal(gone.who);
      ok(await m.api.revoke_api_key(gone.id));
      m.api.setPrincipal(kept.who);
      const before = await m.api.list_api_keys();
      await m.t.network.upgradeCanister({ canisterId: m.apiId, wasm: WASM.api, sender: m.t.e.deployer });
      expect(await m.api.list_api_keys()).toEqual(before);
      await client(m, kept.secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 });
      expect(await refusal(client(m, gone.secret).completions.create({ model, prompt: PROMPT, max_tokens: 4 }))).toBeInstanceOf(
        AuthenticationError,
      );
    });
  });

  describe('the raw wire', () => {
    let secret: string;
    beforeAll(async () => void ({ secret } = await owner(m)));

    const send = async (body: BodyInit, contentType = 'application/json') => {
      const response = await localhostFetch(`${m.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': contentType },
        body,
      });
      const json = (await response.json()) as { error: Record<string, unknown> };
      // OpenAI's error shape, every field present.
      expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      return { status: response.status, error: json.error, cors: response.headers.get('access-control-allow-origin') };
    };
    const chat = { model: '0', messages: [{ role: 'user', content: 'hi' }] };

    it('answers malformed JSON, an unknown field, a wrong content type, non-UTF-8 and an oversize body with their statuses', async () => {
      expect(await send('{"model":')).toMatchObject({ status: 400, cors: '*' });
      expect(await send(JSON.stringify({ ...chat, frobnicate: true }))).toMatchObject({ status: 400, error: { param: 'frobnicate' } });
      expect(await send(JSON.stringify(chat), 'text/plain')).toMatchObject({ status: 415 });
      expect(await send(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toMatchObject({
        status: 400,
        error: { message: expect.stringMatching(/UTF-8/) },
      });
      expect(await send(JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(70_000) }] }))).toMatchObject({
        status: 413,
      });
    });

    it('answers a preflight with CORS that allows the headers asked for, 404 an unknown path and 405 a wrong method', async () => {
      // What the openai client sends from a browser: its own X-Stainless-* headers beside the key.
      const asked = 'authorization, content-type, x-stainless-os, x-stainless-retry-count, x-stainless-helper-method';
      const preflight = await localhostFetch(`${m.baseURL}/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': asked },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe(asked);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect((await localhostFetch(`${m.baseURL}/nothing`)).status).toBe(404);
      expect((await localhostFetch(`${m.baseURL}/chat/completions`)).status).toBe(405);
    });
  });
});
