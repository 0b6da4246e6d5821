// The OpenAI-compatible HTTP API: one request in, one answer out. It routes, reads and checks the body, admits the
// bearer key, runs each job through the marketplace as the key's owner with the most it may cost (price and fees,
// charges.ts) held against the key's cap, and answers in OpenAI's format. The peers (registry, marketplace, ledger),
// the seed and the clock come in as Deps, so unit tests drive every path with fakes and the canister (index.ts)
// only wires azle's calls.
import type { Principal } from '@dfinity/principal';

import type { JobError, JobRequest, JobRun } from '../marketplace/job_types';
import type { Offer } from '../marketplace/offer_types';
import type { Quote } from '../marketplace/types';
import type { Model } from '../shared/models';
import { chargeOf, priceLimit } from './charges';
import { apiError, badRequest, type ApiError } from './errors';
import { eventStream, failure, header, json, preflight } from './http';
import { embeddingJob, finishReason, needsSeed, textJob, type TextRequest } from './job_of';
import type { ApiKey, KeyRing } from './keys';
import type { ModelsCache, ModelsList } from './models_cache';
import { modelIdOf, modelList, modelObject, servable, TASK_OF } from './models_view';
import { chatCompletion, completionStream, embeddingList, textCompletion, type Completed, type Market } from './openai_reply';
import { parseRequest, readBody, type InferenceRequest } from './openai_request';
import { route } from './routes';
import { noMatchWords, noProvider, peerFailed, statusOf } from './status_of';
import type { HttpRequest, HttpResponse } from './types';

/** A peer's answer: its value, or why the call failed, in words. */
export type Called<T> = { Ok: T } | { Err: string };

export type Deps = {
  ring: KeyRing;
  /** The models list the unkeyed GETs answer from, refreshed through `models` and `offers` once it is a minute old. */
  modelsCache: ModelsCache;
  now(): bigint;
  /** The payment canister owners approve (named in 402s), or undefined when the api has none. */
  payment(): Principal | undefined;
  /** Up to `limit` registry models from `offset`. */
  models(offset: number, limit: number): Promise<Called<Model[]>>;
  /** One registry model; Ok(undefined) when the registry has none of that id. */
  model(id: bigint): Promise<Called<Model | undefined>>;
  /** The live offers of a model (at most one page). */
  offers(model: bigint): Promise<Called<Offer[]>>;
  quote(request: JobRequest): Promise<Called<{ Ok: Quote } | { Err: unknown }>>;
  runFor(owner: Principal, request: JobRequest): Promise<Called<{ Ok: JobRun } | { Err: JobError }>>;
  /** The ledger's transfer fee, which the owner pays on each escrow and each refund. */
  fee(): Promise<Called<bigint>>;
  /** A fresh 32-bit seed for sampling. */
  seed(): Promise<number>;
};

/** The most models GET /v1/models lists (the registry's page). */
export const MAX_LISTED = 100;
/** A quote's max_price: any offer's price passes, so the quote names what the job costs now. */
const NO_PRICE_LIMIT = 2n ** 64n;

const fail = (e: ApiError): HttpResponse => failure(e);

export async function handle(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const routed = route(request.method, request.url);
  if ('Err' in routed) return fail(routed.Err);
  const r = routed.Ok;
  if ('preflight' in r) return preflight(header(request.headers, 'access-control-request-headers'));
  if ('models' in r) return listModels(deps);
  if ('model' in r) return oneModel(deps, r.model);
  const body = readBody(header(request.headers, 'content-type'), request.body);
  if ('Err' in body) return fail(body.Err);
  const parsed = parseRequest(r.infer, body.Ok);
  if ('Err' in parsed) return fail(parsed.Err);
  return infer(deps, parsed.Ok, header(request.headers, 'authorization'));
}

async function listModels(deps: Deps): Promise<HttpResponse> {
  const listed = await modelsList(deps);
  return 'Err' in listed ? fail(listed.Err) : json(200, modelList(listed.Ok.models));
}

/** One model, from the kept list; the peers are asked only for a model past the registry's first page. */
async function oneModel(deps: Deps, name: string): Promise<HttpResponse> {
  const listed = await modelsList(deps);
  if ('Err' in listed) return fail(listed.Err);
  const kept = listed.Ok.models.find((model) => model.id === name);
  if (kept !== undefined) return json(200, kept);
  if (listed.Ok.complete) return fail(modelNotFound(name));
  const found = await findModel(deps, name);
  if ('Err' in found) return fail(found.Err);
  const offers = await deps.offers(found.Ok.id);
  if ('Err' in offers) return fail(peerFailed(offers.Err));
  return json(200, modelObject(found.Ok, offers.Ok));
}

const modelsList = (deps: Deps): Promise<{ Ok: ModelsList } | { Err: ApiError }> =>
  deps.modelsCache.get(deps.now(), () => loadModels(deps));

/** The registry's servable models on its first page, each with its live offers. */
async function loadModels(deps: Deps): Promise<{ Ok: ModelsList } | { Err: ApiError }> {
  const models = await deps.models(0, MAX_LISTED);
  if ('Err' in models) return { Err: peerFailed(models.Err) };
  const listed = models.Ok.filter(servable);
  const offers = await Promise.all(listed.map((model) => deps.offers(model.id)));
  const failed = offers.find((o) => 'Err' in o);
  if (failed !== undefined && 'Err' in failed) return { Err: peerFailed(failed.Err) };
  return {
    Ok: {
      models: listed.map((model, i) => modelObject(model, (offers[i] as { Ok: Offer[] }).Ok)),
      complete: models.Ok.length < MAX_LISTED,
    },
  };
}

const modelNotFound = (name: string): ApiError =>
  apiError(
    404,
    `The model '${name}' does not exist: model ids are those of GET /v1/models`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );

async function findModel(deps: Deps, name: string): Promise<{ Ok: Model } | { Err: ApiError }> {
  const id = modelIdOf(name);
  if (id === undefined) return { Err: modelNotFound(name) };
  const model = await deps.model(id);
  if ('Err' in model) return { Err: peerFailed(model.Err) };
  if (model.Ok === undefined || !servable(model.Ok)) return { Err: modelNotFound(name) };
  return { Ok: model.Ok };
}

async function infer(deps: Deps, request: InferenceRequest, authorization: string | undefined): Promise<HttpResponse> {
  const admitted = deps.ring.admit(authorization, request.model, deps.now());
  if ('Err' in admitted) return fail(admitted.Err);
  const key = admitted.Ok;
  const found = await findModel(deps, request.model);
  if ('Err' in found) return fail(found.Err);
  const task = Object.keys(found.Ok.task)[0];
  if (task !== TASK_OF[request.kind])
    return fail(
      badRequest(`The model '${request.model}' is a ${task} model: it does not serve this endpoint`, 'model', 'model_not_supported'),
    );

  if (request.kind === 'embedding') {
    const jobs = request.input.map((input) => embeddingJob(found.Ok.id, input));
    const bad = jobs.find((j) => 'Err' in j);
    if (bad !== undefined && 'Err' in bad) return fail(bad.Err);
    // One job per input, in order, all held at once: the cap or a revocation stops a batch before it starts, never
    // halfway. A later job failing leaves the earlier ones paid.
    const ran = await runJobs(
      deps,
      key,
      jobs.map((job) => (job as { Ok: JobRequest }).Ok),
    );
    if ('Err' in ran) return fail(ran.Err);
    const runs = ran.Ok;
    const vectors = runs.map((run) => Array.from(run.output.vector));
    const prompt_tokens = runs.reduce((sum, run) => sum + (run.output.prompt_tokens[0] ?? 0), 0);
    const market = marketOf(runs);
    return json(
      200,
      embeddingList({ job_id: runs[0].job.id, model: request.model, vectors, prompt_tokens, market }, request.encoding_format),
    );
  }

  const text = request as TextRequest;
  const job = textJob(found.Ok.id, text, needsSeed(text) ? await deps.seed() : 0);
  if ('Err' in job) return fail(job.Err);
  const ran = await runJobs(deps, key, [job.Ok]);
  if ('Err' in ran) return fail(ran.Err);
  const [done] = ran.Ok;
  const { output } = done;
  const completed: Completed = {
    job_id: done.job.id,
    model: request.model,
    created: Number(deps.now() / 1_000_000_000n),
    text: output.text[0] ?? '',
    prompt_tokens: output.prompt_tokens[0] ?? 0,
    completion_tokens: output.tokens.length,
    finish_reason: finishReason(output.tokens.length, job.Ok.max_tokens),
    market: marketOf([done]),
  };
  if (text.stream) return eventStream(completionStream(text.kind, completed, text.include_usage));
  return json(200, text.kind === 'chat' ? chatCompletion(completed) : textCompletion(completed));
}

/**
 * Quotes each job, holds the most they may cost together against the key's cap (each at its max_price, with the
 * fees of its escrow and refund), runs them in order as the owner's, and releases the hold with what they cost: in
 * a finally, so no failure after the hold leaves it held (one left by an upgrade expires: keys.ts). The first
 * failure stops the rest; once money may have moved, its error tells the client not to retry (http.ts).
 */
async function runJobs(deps: Deps, key: ApiKey, jobs: JobRequest[]): Promise<{ Ok: JobRun[] } | { Err: ApiError }> {
  const fee = await deps.fee();
  if ('Err' in fee) return { Err: peerFailed(`the ledger's fee: ${fee.Err}`) };
  const planned: { job: JobRequest; total: bigint; most: bigint }[] = [];
  // One quote per job, asked together: a batch of embeddings waits for one round, not one per input.
  const quotes = await Promise.all(jobs.map((job) => deps.quote({ ...job, max_price: NO_PRICE_LIMIT })));
  for (const [i, job] of jobs.entries()) {
    const quoted = quotes[i];
    if ('Err' in quoted) return { Err: peerFailed(`quote: ${quoted.Err}`) };
    if ('Err' in quoted.Ok) return { Err: noProvider(noMatchWords(quoted.Ok.Err as Parameters<typeof noMatchWords>[0])) };
    const { max_price, most } = priceLimit(quoted.Ok.Ok, fee.Ok);
    planned.push({ job: { ...job, max_price }, total: quoted.Ok.Ok.total, most });
  }
  const held = deps.ring.hold(
    key.id,
    planned.reduce((sum, p) => sum + p.most, 0n),
    deps.now(),
  );
  if ('Err' in held) return held;
  let charged = 0n;
  try {
    const runs: JobRun[] = [];
    for (const { job, total, most } of planned) {
      const ran = await deps.runFor(key.owner, job);
      const cost = chargeOf(ran, most, fee.Ok);
      charged += cost;
      if ('Err' in ran) return { Err: paidIf(cost, peerFailed(`run_job_for: ${ran.Err}`)) };
      if ('Err' in ran.Ok) {
        const payment = deps.payment()?.toText() ?? 'payment';
        return { Err: paidIf(cost, statusOf(ran.Ok.Err, String(job.model), { payment, needed: total + fee.Ok })) };
      }
      runs.push(ran.Ok.Ok);
    }
    return { Ok: runs };
  } finally {
    deps.ring.release(key.id, held.Ok, charged);
  }
}

/** An error once `cost` was charged: money moved, so the client must not retry it on its own. */
const paidIf = (cost: bigint, e: ApiError): ApiError => (cost > 0n ? { ...e, paid: true } : e);

/** Our `market` field: the jobs behind an answer, the nodes paid, the total price and how the answer was checked. */
function marketOf(runs: JobRun[]): Market {
  const providers = runs.flatMap(({ job, output }) => (job.paid_nodes.length > 0 ? job.paid_nodes : [output.node]).map((p) => p.toText()));
  const redundancy = runs[0].job.request.redundancy;
  return {
    job_id: runs.map(({ job }) => job.id.toString()).join(','),
    providers: [...new Set(providers)],
    cost: runs.reduce((sum, { job }) => sum + job.price, 0n).toString(),
    verification: redundancy > 1 ? `${redundancy} replicas compared` : 'single replica',
  };
}
