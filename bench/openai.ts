// The same job through the OpenAI-compatible API and through candid, in one run on one local network: the suite with
// the api canister behind the HTTP gateway and one worker (in this process) running the generated tiny llama. One
// owner, both ways over HTTP: a text completion with the official `openai` client (its key held against a cap), and
// the marketplace's run_job with @dfinity/agent, the one call a program makes without the API. Greedy decoding and the
// same prompt and token budget, so the worker does the same work; the difference is the api canister's routing, key
// and cap bookkeeping, the quote and the HTTP gateway's upgrade. p50/p99 per path, the ratio, and each canister's
// messages and instructions per job.
//   npm run bench:openai [-- --jobs 20 --tokens 32]
import { Actor, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';

import type { Counters } from '../src/localnet/canister.js';
import { idlFactory as apiIdl, type ApiService } from '../src/sdk/api';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../src/sdk/marketplace';
import { approve, jobRequest, mint, ok, PROMPT } from '../tests/integration/economy/deploy';
import { deployApi } from '../tests/integration/api/fixture';
import { fmt, percentile } from './report';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '20' }, tokens: { type: 'string', default: '32' } } });
const [JOBS, TOKENS] = [Number(values.jobs), Number(values.tokens)];

const m = await deployApi();
const { network } = m.t;
const ids = m.t.e.ids;
const names = ['api', 'marketplace', 'payment', 'ledger', 'bridge', 'model_registry'] as const;

const me = Ed25519KeyIdentity.generate();
const owner = me.getPrincipal();
await mint(m.t.e, owner, 1_000_000_000_000n);
await approve(m.t.e, owner, ids.payment, 1_000_000_000_000n);
const gateway = new URL(m.baseURL).origin.replace(`${m.apiId.toText()}.localhost`, '127.0.0.1');
const agent = await HttpAgent.create({ host: gateway, identity: me, shouldFetchRootKey: true });
const api = Actor.createActor<ApiService>(apiIdl, { agent, canisterId: ids.api });
const marketplace = Actor.createActor<MarketplaceService>(marketplaceIdl, { agent, canisterId: ids.marketplace });
const { secret } = ok(
  await api.create_api_key({ name: 'bench', spend_cap: 1_000_000_000_000n, expires_at: [], models: [], requests_per_minute: 600 }),
);
// The client as it comes, through the gateway's ?canisterId= form (Node resolves no *.localhost name).
const openai = new OpenAI({ apiKey: secret, baseURL: `${gateway}/v1`, defaultQuery: { canisterId: ids.api.toText() }, maxRetries: 0 });
const model = m.t.model.toString();
const request = jobRequest(m.t.model, { max_tokens: TOKENS });

async function throughOpenai(): Promise<number> {
  const t0 = performance.now();
  const reply = await openai.completions.create({ model, prompt: PROMPT, max_tokens: TOKENS, temperature: 0 });
  if (reply.choices[0].text.length === 0) throw new Error('the API answered no text');
  return performance.now() - t0;
}

async function throughCandid(): Promise<number> {
  const t0 = performance.now();
  const run = await marketplace.run_job(request);
  if (!('Ok' in run)) throw new Error(`run_job: ${JSON.stringify(run.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return performance.now() - t0;
}

const snapshot = (): Record<string, Counters> => Object.fromEntries(names.map((name) => [name, { ...network.getCounters(ids[name]) }]));
const zero = (): Record<string, Counters> =>
  Object.fromEntries(names.map((name) => [name, { messages: 0, instructions: 0n, cyclesSpent: 0n, outcalls: 0, calls: 0 }]));
/** Adds what each canister did between `before` and now to `into`. */
function addSince(into: Record<string, Counters>, before: Record<string, Counters>): void {
  const now = snapshot();
  for (const name of names) {
    into[name].messages += now[name].messages - before[name].messages;
    into[name].instructions += now[name].instructions - before[name].instructions;
  }
}

// Warm both paths (first calls compile and fill caches), then alternate so drift falls on both alike.
await throughOpenai();
await throughCandid();
const paths = { openai: { ms: [] as number[], cost: zero() }, candid: { ms: [] as number[], cost: zero() } };
for (let i = 0; i < JOBS; i++) {
  for (const [path, run] of [
    ['openai', throughOpenai],
    ['candid', throughCandid],
  ] as const) {
    const before = snapshot();
    paths[path].ms.push(await run());
    addSince(paths[path].cost, before);
  }
}
await m.close();

for (const { ms } of Object.values(paths)) ms.sort((a, b) => a - b);
const total = (cost: Record<string, Counters>) => names.reduce((sum, name) => sum + cost[name].instructions, 0n);
console.log(`A ${TOKENS}-token completion, ${JOBS} jobs each way, alternating, one owner over HTTP (${m.t.generator.runtime})`);
console.table(
  (
    [
      ['candid run_job (baseline)', paths.candid],
      ['openai client, POST /v1/completions', paths.openai],
    ] as const
  ).map(([path, { ms, cost }]) => ({
    path,
    'p50 ms': fmt(percentile(ms, 50), 1),
    'p99 ms': fmt(percentile(ms, 99), 1),
    'instructions/job': fmt(total(cost) / BigInt(JOBS)),
  })),
);
console.log(
  `openai / candid: p50 ${fmt(percentile(paths.openai.ms, 50) / percentile(paths.candid.ms, 50), 2)}x, ` +
    `p99 ${fmt(percentile(paths.openai.ms, 99) / percentile(paths.candid.ms, 99), 2)}x, ` +
    `instructions ${fmt(Number(total(paths.openai.cost)) / Number(total(paths.candid.cost)), 2)}x`,
);
console.log('Per job, by canister (messages executed, instructions):');
console.table(
  names.map((name) => ({
    canister: name,
    'openai messages': fmt(paths.openai.cost[name].messages / JOBS, 1),
    'openai instructions': fmt(paths.openai.cost[name].instructions / BigInt(JOBS)),
    'candid messages': fmt(paths.candid.cost[name].messages / JOBS, 1),
    'candid instructions': fmt(paths.candid.cost[name].instructions / BigInt(JOBS)),
  })),
);
