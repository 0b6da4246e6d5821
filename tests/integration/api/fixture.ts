// What the API tests share: the suite with the api canister on one local network behind the HTTP gateway, the tiny
// llama published and served by one honest worker, and owners who hold tokens, approve payment and make keys. The
// official `openai` client reaches the API at http://<api id>.localhost:<port>/v1, as npm start prints it.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';

import type { KeyTerms } from '../../../canisters/api/keys';
import type { Actor } from '../../../src/localnet/actor.js';
import { Gateway } from '../../../src/localnet/gateway/server.js';
import { idlFactory as apiIdl, type ApiService } from '../../../src/sdk/api';
import { localhostFetch } from '../../support/localhost_fetch';
import { randomUser } from '../localnet/probe';
import { Embedder, EMBEDDING_MODEL } from '../../../src/worker/runtime/embeddings';
import { JobRunner } from '../../../src/worker/server';
import { approve, mint, ok, onboardProvider, publishEmbeddingModel, serveWorker } from '../economy/deploy';
import { deployTrust, honest, serveNode, type Trust, type Worker } from '../trust/bridge_fixture';

export type ApiMarket = {
  t: Trust;
  /** The tiny llama's worker: honest, unless `failJobs(true)` has it answer every job 500, as a worker out of memory does. */
  worker: Worker;
  failJobs(on: boolean): void;
  api: Actor<ApiService>;
  apiId: Principal;
  /** http://<api id>.localhost:<port>/v1 */
  baseURL: string;
  close(): Promise<void>;
};

export async function deployApi(): Promise<ApiMarket> {
  const t = await deployTrust(['api']);
  const answer = honest(t);
  let failing = false;
  const worker = await serveNode(t, (body, bridge) =>
    failing ? Promise.resolve({ status: 500, body: JSON.stringify({ error: 'out of memory' }) }) : answer(body, bridge),
  );
  const gateway = new Gateway(t.network);
  const { port } = new URL(await gateway.listen({ port: 0 }));
  const apiId = t.e.ids.api;
  return {
    t,
    worker,
    failJobs: (on) => void (failing = on),
    api: t.network.createActor<ApiService>(apiIdl, apiId),
    apiId,
    baseURL: `http://${apiId.toText()}.localhost:${port}/v1`,
    async close() {
      await gateway.close();
      await t.close();
    },
  };
}

/**
 * An embedding model in the registry, served by a provider whose worker runs the trained Universal Sentence Encoder
 * lite; its model id as text, and the embedder to compare with.
 */
export async function serveEmbeddings(m: ApiMarket): Promise<{ model: string; embedder: Embedder }> {
  const sha = createHash('sha256').update(EMBEDDING_MODEL).digest();
  const published = await publishEmbeddingModel(m.t.e, sha);
  const { node } = await onboardProvider(m.t.e, [published.id], { price: { unit: { per_request: null }, amount: 500_000n } });
  const embedder = await Embedder.load();
  const runner = new JobRunner({ embedding: { sha256: sha.toString('hex'), embedder, runtime: EMBEDDING_MODEL } });
  m.t.servers.push((await serveWorker(m.t.e, node, runner)).server);
  return { model: published.id.toString(), embedder };
}

export const TERMS: KeyTerms = { name: 'test', spend_cap: 100_000_000n, expires_at: [], models: [], requests_per_minute: 600 };

/** An owner with `tokens`, who approved payment for `allowance`, and a key of `terms`. */
export async function owner(
  m: ApiMarket,
  terms: Partial<KeyTerms> = {},
  { tokens = 50_000_000n, allowance = 20_000_000n } = {},
): Promise<{ who: Principal; secret: string; id: bigint }> {
  const who = randomUser();
  await mint(m.t.e, who, tokens);
  await approve(m.t.e, who, m.t.e.ids.payment, allowance);
  m.api.setPrincipal(who);
  const { key, secret } = ok(await m.api.create_api_key({ ...TERMS, ...terms }));
  return { who, secret, id: key.id };
}

/**
 * The official client, as a program makes it, with no retries so each status is seen as the API sent it; with
 * `{ retries: 'default' }` as the client comes (it retries 429 and 5xx twice unless told not to).
 */
export const client = (m: ApiMarket, apiKey: string, { retries = 0 as number | 'default' } = {}): OpenAI =>
  new OpenAI({ apiKey, baseURL: m.baseURL, fetch: localhostFetch, ...(retries === 'default' ? {} : { maxRetries: retries }) });
