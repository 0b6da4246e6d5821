// The official `openai` npm client, unmodified, against npm start's demo market (the shared started system): a new
// user claims faucet tokens, approves payment, makes an API key on the api canister and points the client at the
// gateway with the key. Node resolves no *.localhost name, so the client takes the gateway's other documented form,
// the host with `?canisterId=<api id>` (its own `defaultQuery` option), which any HTTP client can use.
// Every endpoint, the errors through the client's own classes, and the money: the owner pays each job's price and
// the escrow's fee from their own account, and a revoked key is refused on the very next request.
import { Actor, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';

import { idlFactory as apiIdl, type ApiService } from '../../src/sdk/api';
import { ok as okOf } from '../../src/sdk/errors';
import { idlFactory as faucetIdl, type FaucetService } from '../../src/sdk/faucet';
import { account, approveArgs, idlFactory as ledgerIdl, type LedgerService } from '../../src/sdk/ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../src/sdk/marketplace';
import { startedSystem } from './system';

const FEE = 10_000n;
const ok = <T>(reply: { Ok: T } | { Err: unknown }): T => okOf('the call', reply);
const LIT = 100_000_000n;

describe('the openai client against npm start’s demo market', () => {
  const system = startedSystem();
  const me = Ed25519KeyIdentity.generate();
  let ledger: LedgerService;
  let marketplace: MarketplaceService;
  let api: ApiService;
  let secret: string;
  let keyId: bigint;
  // What the jobs run with `secret` cost its owner: each one's price and the escrow's fee.
  let charged = 0n;

  const client = (apiKey: string) =>
    new OpenAI({ apiKey, baseURL: `${system.url}/v1`, defaultQuery: { canisterId: system.ids.api }, maxRetries: 0, timeout: 90_000 });
  const balance = () => ledger.icrc1_balance_of(account(me.getPrincipal()));
  /** The job a reply's `market` field names, as the marketplace has it, for the price it was charged. */
  const jobOf = async (reply: object) => {
    const market = (reply as { market?: { job_id: string } }).market;
    expect(market?.job_id).toMatch(/^\d+$/);
    return ok(await marketplace.get_job(BigInt(market!.job_id)));
  };
  /** The job of a reply made with `secret`, counted in what the key should have spent. */
  const chargedJobOf = async (reply: object) => {
    const job = await jobOf(reply);
    charged += job.price + FEE;
    return job;
  };

  beforeAll(async () => {
    const agent = await HttpAgent.create({ host: system.url, shouldFetchRootKey: true, identity: me });
    const actor = <T>(idl: Parameters<typeof Actor.createActor>[0], name: string) =>
      Actor.createActor<T>(idl, { agent, canisterId: system.ids[name] });
    ledger = actor<LedgerService>(ledgerIdl, 'ledger');
    marketplace = actor<MarketplaceService>(marketplaceIdl, 'marketplace');
    api = actor<ApiService>(apiIdl, 'api');
    ok(await actor<FaucetService>(faucetIdl, 'faucet').claim());
    ok(await ledger.icrc2_approve(approveArgs(account(Principal.fromText(system.ids.payment)), 5n * LIT)));
    const created = ok(
      await api.create_api_key({ name: 'system test', spend_cap: 2n * LIT, expires_at: [], models: [], requests_per_minute: 600 }),
    );
    secret = created.secret;
    keyId = created.key.id;
    expect(secret).toMatch(/^sk-icp-\d+-/);
  });

  it('is where npm start says, in both forms', async () => {
    const output = await readFile(system.log, 'utf8');
    expect(system.apiBaseUrl).toBe(`http://${system.ids.api}.localhost:${new URL(system.url).port}/v1`);
    expect(output).toContain(`From Node or Python: base URL ${system.url}/v1 with the query canisterId=${system.ids.api}`);
  });

  it('lists the demo market’s models with their price, task and live providers', async () => {
    const models = [];
    for await (const model of client(secret).models.list()) models.push(model);
    const text = models.find((m) => m.id === system.demo.textModel) as Record<string, unknown> | undefined;
    expect(text).toMatchObject({ object: 'model', task: 'text_generation' });
    expect(text?.live_providers).toBeGreaterThanOrEqual(1);
    expect(models.find((m) => m.id === system.demo.embeddingModel)).toMatchObject({ object: 'model', task: 'embedding' });
    expect(await client(secret).models.retrieve(system.demo.textModel)).toMatchObject({ id: system.demo.textModel });
  });

  it('answers a chat completion as a settled job, the owner paying its price and the escrow’s fee', async () => {
    const before = await balance();
    const reply = await client(secret).chat.completions.create({
      model: system.demo.textModel,
      messages: [
        { role: 'system', content: 'You answer briefly.' },
        { role: 'user', content: 'Why is the sky blue?' },
      ],
      max_tokens: 16,
      temperature: 0.7,
      seed: 11,
    });
    expect(reply).toMatchObject({ object: 'chat.completion', model: system.demo.textModel });
    expect(reply.choices[0].message).toMatchObject({ role: 'assistant', content: expect.any(String) });
    expect(['stop', 'length']).toContain(reply.choices[0].finish_reason);
    expect(reply.usage?.completion_tokens).toBeGreaterThan(0);
    expect(reply.usage?.completion_tokens).toBeLessThanOrEqual(16);
    const job = await chargedJobOf(reply);
    expect(job.state).toEqual({ settled: null });
    expect(job.consumer.toText()).toBe(me.getPrincipal().toText());
    expect(before - (await balance())).toBe(job.price + FEE);
  });

  it('streams a chat completion as chunks with the usage chunk asked for, ending the stream', async () => {
    const stream = await client(secret).chat.completions.create({
      model: system.demo.textModel,
      messages: [{ role: 'user', content: 'Count to three.' }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.some((c) => c.choices[0]?.finish_reason !== null && c.choices[0]?.finish_reason !== undefined)).toBe(true);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect((await chargedJobOf(chunks.find((c) => 'market' in c)!)).state).toEqual({ settled: null });
  });

  it('answers a text completion and an embedding', async () => {
    const completion = await client(secret).completions.create({ model: system.demo.textModel, prompt: 'Once upon a time', max_tokens: 8 });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0].text).toEqual(expect.any(String));
    expect((await chargedJobOf(completion)).state).toEqual({ settled: null });

    const embedding = await client(secret).embeddings.create({ model: system.demo.embeddingModel, input: 'Why is the sky blue?' });
    expect(embedding.data).toHaveLength(1);
    expect(embedding.data[0].embedding).toHaveLength(512);
    expect(embedding.data[0].embedding.every((x) => Number.isFinite(x))).toBe(true);
    expect((await chargedJobOf(embedding)).state).toEqual({ settled: null });
  });

  it('answers errors through the client’s own classes, with the status clients act on', async () => {
    // The models need no key: a wrong one still lists them.
    expect((await client('sk-icp-0-not-a-real-secret').models.list()).data.length).toBeGreaterThan(0);
    const chat = (key: string, body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) =>
      client(key).chat.completions.create({ model: system.demo.textModel, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...body });
    await expect(chat('sk-icp-0-not-a-real-secret', {})).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(chat(secret, { model: '999999' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(chat(secret, { temperature: 7 })).rejects.toMatchObject({ status: 400, param: 'temperature' });
    await expect(chat(secret, { max_tokens: 100_000 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('refuses a key on the request right after its revocation, and its owner pays nothing for it', async () => {
    const created = ok(await api.create_api_key({ name: 'revoked soon', spend_cap: LIT, expires_at: [], models: [], requests_per_minute: 600 }));
    const answered = await client(created.secret).completions.create({ model: system.demo.textModel, prompt: 'Hello', max_tokens: 4 });
    expect((await jobOf(answered)).state).toEqual({ settled: null });
    ok(await api.revoke_api_key(created.key.id));
    const before = await balance();
    await expect(client(created.secret).completions.create({ model: system.demo.textModel, prompt: 'Hello', max_tokens: 4 })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    expect(await balance()).toBe(before);
    const listed = (await api.list_api_keys()).find((k) => k.id === created.key.id);
    expect(listed?.revoked_at).toHaveLength(1);
    expect(listed?.requests).toBe(1n);
  });

  it('counts what the key spent: each of its jobs’ price and escrow fee, nothing for refusals, nothing held', async () => {
    const key = (await api.list_api_keys()).find((k) => k.id === keyId)!;
    expect(key.held).toBe(0n);
    expect(key.spent).toBe(charged);
    expect(key.spent).toBeLessThanOrEqual(key.terms.spend_cap);
  });
});
