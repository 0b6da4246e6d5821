// The wallet, activity, catalog and configuration logic, without a network; and the canister constants the app
// mirrors (page limits), so they cannot drift apart.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { MAX_PAGE } from '../../../canisters/marketplace/types';
import { MAX_PAGE_LIMIT } from '../../../canisters/payment/history';
import type { Offer } from '../../../canisters/marketplace/offer_types';
import type { Model } from '../../../canisters/shared/models';
import { PAGE_LIMIT as MARKET_PAGE_LIMIT } from '../../../src/frontend/lib/api/marketplace';
import { HISTORY_PAGE_LIMIT } from '../../../src/frontend/lib/api/payment';
import { parseConfig } from '../../../src/frontend/lib/config';
import {
  CSV_HEADER,
  filterJobs,
  jobsCsv,
  loadMyJobs,
  loadOutputs,
  outputPreview,
  outputsToRead,
  type OutputSummary,
} from '../../../src/frontend/lib/services/activity';
import { cheapestPrice, filterModels, loadModels, providerCount } from '../../../src/frontend/lib/services/models';
import { rangeFor } from '../../../src/frontend/lib/services/ranges';
import { claimFaucet, EXPIRES_SOON_MS, expiryWarnings, isIcpLedger, withdrawOwed } from '../../../src/frontend/lib/services/wallet';
import { parseHash } from '../../../src/frontend/lib/stores/route';
import { fakeActors, IDS, job, LIT, principal } from './fakes';

describe('constants mirrored from the canisters', () => {
  it('match', () => {
    expect(MARKET_PAGE_LIMIT).toBe(MAX_PAGE);
    expect(HISTORY_PAGE_LIMIT).toBe(MAX_PAGE_LIMIT);
  });
});

describe('wallet', () => {
  it('warns of allowances in force that expire soon; a spent (zero) one is not worth a warning', () => {
    const now = 1_700_000_000_000;
    const ns = (ms: number) => BigInt(ms) * 1_000_000n;
    const soon = { allowance: 5_000_000n, expires_at: [ns(now + EXPIRES_SOON_MS)] as [bigint] };
    const later = { allowance: 5_000_000n, expires_at: [ns(now + EXPIRES_SOON_MS + 1)] as [bigint] };
    expect(
      expiryWarnings(
        [
          { spender: 'payment', allowance: soon },
          { spender: 'identity', allowance: later },
          { spender: 'governance', allowance: { allowance: 0n, expires_at: [ns(now)] } },
        ],
        now,
      ),
    ).toEqual([expect.stringMatching(/^Your approval for payment expires /)]);
  });

  it('refuses a withdrawal the fee would eat, or above what is owed, before calling', async () => {
    const { actors, calls } = fakeActors({ payment: { withdraw: () => ({ Ok: { amount: 50_000n, fee: LIT.fee, block: 9n } }) } });
    const me = principal(50);
    expect(await withdrawOwed(actors, me, LIT.fee, 1_000_000n, LIT)).toEqual({ ok: false, error: 'The amount must be more than the ledger fee of 0.0001 LIT.' });
    expect(await withdrawOwed(actors, me, 2_000_000n, 1_000_000n, LIT)).toEqual({ ok: false, error: 'You are owed only 0.01 LIT.' });
    expect(calls).toHaveLength(0);
    expect(await withdrawOwed(actors, me, 50_000n, 1_000_000n, LIT)).toMatchObject({ ok: true, value: { block: 9n } });
    expect(calls[0].args).toEqual([50_000n, { owner: me, subaccount: [] }]);
  });

  it('claims from the faucet where the network has one, and explains a refusal', async () => {
    const { actors } = fakeActors({
      faucet: { claim: () => ({ Err: { PrincipalLimitReached: { claimed_today: 1n, next_claim_at: 0n, message: 'x' } } }) },
    });
    expect(await claimFaucet(actors, LIT)).toMatchObject({ ok: false, error: /You have had today’s test tokens; claim again after/ });
    const { actors: none } = fakeActors({});
    expect(await claimFaucet({ ...none, faucet: undefined }, LIT)).toEqual({ ok: false, error: 'This network has no faucet.' });
  });

  it('shows the ICP account identifier only for ICP’s ledger', () => {
    const icp = principal(1);
    expect(isIcpLedger(icp, true, { ...LIT, symbol: 'ICP' })).toBe(true);
    expect(isIcpLedger(IDS.ledger, true, LIT)).toBe(false);
    // A local canister may get mainnet's ICP ledger id: the id counts on mainnet only.
    expect(isIcpLedger(Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai'), true, LIT)).toBe(false);
    expect(isIcpLedger(Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai'), false, LIT)).toBe(true);
  });
});

describe('activity', () => {
  const jobs = [
    job({ id: 1n, state: { settled: null }, request: { ...job().request, model: 2n, input: ['Say "hi", please'] }, result_hash: [new Uint8Array([1, 2])] }),
    job({ id: 2n, state: { refunded: null }, failure: ['no worker answered'] }),
    job({ id: 3n, state: { settled: null }, price: 123_456_789n }),
  ];

  it('filters by state, model and text', () => {
    expect(filterJobs(jobs, { state: 'settled', model: '', text: '' }).map((j) => j.id)).toEqual([1n, 3n]);
    expect(filterJobs(jobs, { state: '', model: '2', text: '' }).map((j) => j.id)).toEqual([1n]);
    expect(filterJobs(jobs, { state: '', model: '', text: 'WORKER' }).map((j) => j.id)).toEqual([2n]);
  });

  it('exports CSV with exact prices, quoted inputs and the outputs read', () => {
    const outputs = new Map<bigint, OutputSummary>([
      [1n, { text: 'Hello,\n"world"' }],
      [3n, { dimensions: 384 }],
    ]);
    const csv = jobsCsv(jobs, LIT, outputs);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(',').replace('price', 'price_LIT'));
    expect(lines[0]).toContain(',input,output,result_sha256,');
    expect(csv).toContain('0.01,"Say ""hi"", please","Hello,\n""world""",0102,');
    expect(lines.at(-2)).toBe('3,1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.000Z,settled,0,standard,1,32,1.23456789,hi,384-dimensional vector,,');
    // A job whose output was not read (or is not settled) has an empty output.
    expect(jobsCsv(jobs, LIT).split('\r\n')[2]).toBe('2,1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.000Z,refunded,0,standard,1,32,0.01,hi,,,no worker answered');
  });

  it('previews outputs and reads them lazily, settled jobs only, capped', async () => {
    expect(outputPreview({ text: '  a\n b ' })).toBe('a b');
    expect(outputPreview({ text: 'x'.repeat(100) }, 10)).toBe(`${'x'.repeat(9)}…`);
    expect(outputPreview({ dimensions: 768 })).toBe('768-dimensional vector');
    expect(outputPreview({ error: 'gone' })).toBe('output unavailable');
    expect(outputPreview(undefined)).toBe('');
    expect(outputsToRead(jobs, new Map(), 10)).toEqual([1n, 3n]);
    expect(outputsToRead(jobs, new Map([[1n, { dimensions: 1 }]]), 10)).toEqual([3n]);
    expect(outputsToRead(jobs, new Map(), 1)).toEqual([1n]);
    const { actors, calls } = fakeActors({
      bridge: {
        get_output: (id: bigint) =>
          id === 1n
            ? { Ok: { text: ['hi'], vector: new Float32Array(), tokens: new Uint32Array() } }
            : id === 3n
              ? { Ok: { text: [], vector: new Float32Array(384), tokens: new Uint32Array() } }
              : { Err: { NotFound: 'no output' } },
      },
    });
    const read = await loadOutputs(actors, [1n, 3n, 9n]);
    expect(read.get(1n)).toEqual({ text: 'hi' });
    expect(read.get(3n)).toEqual({ dimensions: 384 });
    expect(read.get(9n)).toMatchObject({ error: expect.any(String) });
    expect(calls.map((c) => c.args[0])).toEqual([1n, 3n, 9n]);
  });

  it('reads every page of the caller’s jobs, newest first', async () => {
    const all = Array.from({ length: 150 }, (_, i) => job({ id: BigInt(i), created_at: BigInt(i) }));
    const { actors, calls } = fakeActors({
      marketplace: { list_jobs: (page: { offset: bigint; limit: number }) => ({ Ok: { jobs: all.slice(Number(page.offset), Number(page.offset) + page.limit), total: 150n } }) },
    });
    const loaded = await loadMyJobs(actors);
    expect(loaded.ok && loaded.value.map((j) => j.id).slice(0, 2)).toEqual([149n, 148n]);
    expect(loaded.ok && loaded.value).toHaveLength(150);
    expect(calls).toHaveLength(2);
  });
});

describe('catalog', () => {
  const model = (id: bigint, name: string, task: Model['task'], format: Model['format']): Model => ({
    id,
    name,
    version: '1',
    task,
    format,
    sha256: new Uint8Array(32),
    size_bytes: 1n,
    license: 'apache-2.0',
    creator: principal(60),
    royalty_bps: 100,
    access: { public: null },
    published_at: 0n,
  });
  const models = [model(0n, 'tiny-llama', { text_generation: null }, { gguf: null }), model(1n, 'use-lite', { embedding: null }, { onnx: null })];

  it('filters by text, task and format', () => {
    expect(filterModels(models, { text: 'LLAMA', task: '', format: '' }).map((m) => m.id)).toEqual([0n]);
    expect(filterModels(models, { text: '', task: 'embedding', format: '' }).map((m) => m.id)).toEqual([1n]);
    expect(filterModels(models, { text: 'apache', task: '', format: 'gguf' }).map((m) => m.id)).toEqual([0n]);
  });

  const offer = (id: bigint, provider: number, amount: bigint, unit: 'per_request' | 'per_1k_tokens', status: Offer['status']): Offer =>
    ({ id, provider: principal(provider), status, terms: { price: { amount, unit: { [unit]: null } } } }) as unknown as Offer;

  it('prices the cheapest active offer with the canister’s rule and counts distinct active providers', () => {
    const rates = { model: 0n, capacity: 4, load: 2, utilization_bps: 5_000, multiplier_bps: 12_500, priority_surcharge_bps: 2_000 };
    const offers = [
      offer(1n, 1, 1_000n, 'per_request', { active: null }),
      offer(2n, 1, 300n, 'per_1k_tokens', { active: null }),
      offer(3n, 2, 1n, 'per_request', { paused: null }),
      offer(4n, 3, 5_000n, 'per_request', { active: null }),
    ];
    // 300 per 1k tokens, 2,500 tokens: 3 units × 1.25 = 1,125; cheaper than 1,000 × 1.25 = 1,250.
    expect(cheapestPrice(offers, rates, 2_500)).toEqual({ amount: 1_125n, unit: '2500 tokens' });
    expect(cheapestPrice(offers, rates, 256)).toEqual({ amount: 375n, unit: '256 tokens' });
    expect(cheapestPrice([offers[2]], rates, 256)).toBeUndefined();
    expect(providerCount(offers)).toBe(2);
  });

  it('reads every page of the registry', async () => {
    const all = Array.from({ length: 130 }, (_, i) => model(BigInt(i), `m${i}`, { embedding: null }, { onnx: null }));
    const { actors } = fakeActors({
      model_registry: { list: (page: { offset: number; limit: number }) => ({ Ok: { items: all.slice(page.offset, page.offset + page.limit), total: 130n } }) },
    });
    const loaded = await loadModels(actors);
    expect(loaded.ok && loaded.value).toHaveLength(130);
  });

  it('asks analytics for ranges it keeps', () => {
    const now = 1_700_000_000_000;
    expect(rangeFor('1h', now)).toEqual({ resolution: { minute: null }, from: BigInt(now - 3_600_000) * 1_000_000n, to: BigInt(now) * 1_000_000n });
    expect(rangeFor('30d', now).resolution).toEqual({ day: null });
  });
});

describe('configuration', () => {
  const ids = Object.fromEntries(
    Object.entries(IDS)
      .filter(([name]) => name !== 'faucet')
      .map(([name, id]) => [`CANISTER_ID_${name.toUpperCase()}`, id.toText()]),
  );

  it('reads dfx’s .env names, locally with the dev Internet Identity of the network', () => {
    const parsed = parseConfig({ DFX_NETWORK: 'local', IC_HOST: 'http://127.0.0.1:4943/', ...ids }, 'http://localhost:5173', 'env.json');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config).toMatchObject({
      network: 'local',
      local: true,
      host: 'http://127.0.0.1:4943',
      identityProvider: 'http://127.0.0.1:4943/internet-identity',
    });
    expect(parsed.config.canisters.faucet).toBeUndefined();
    expect(parsed.config.canisters.payment.toText()).toBe(IDS.payment.toText());
  });

  it('uses mainnet’s API and Internet Identity on ic, and VITE_-prefixed build values', () => {
    const vite = Object.fromEntries(Object.entries(ids).map(([k, v]) => [`VITE_${k}`, v]));
    const parsed = parseConfig({ VITE_DFX_NETWORK: 'ic', ...vite }, 'https://app.example', 'build');
    expect(parsed).toMatchObject({ ok: true, config: { local: false, host: 'https://icp-api.io', identityProvider: 'https://identity.ic0.app' } });
  });

  it('ignores a baked-in IC_HOST and II_URL on ic, and takes a production build without a network for ic', () => {
    const mainnet = { ok: true, config: { network: 'ic', local: false, host: 'https://icp-api.io', identityProvider: 'https://identity.ic0.app' } };
    const leaked = { ...ids, IC_HOST: 'http://127.0.0.1:4943', II_URL: 'http://127.0.0.1:4943/internet-identity' };
    expect(parseConfig({ ...leaked, DFX_NETWORK: 'ic' }, 'https://app.example', 'build')).toMatchObject(mainnet);
    expect(parseConfig({ ...ids, PROD: true }, 'https://app.example', 'build')).toMatchObject(mainnet);
    // A development build, or env.json, without a network is local; env.json's host on ic is the deployer's.
    expect(parseConfig({ ...ids, PROD: false }, 'http://127.0.0.1:4943', 'build')).toMatchObject({ ok: true, config: { local: true } });
    expect(parseConfig({ ...ids, PROD: true }, 'http://127.0.0.1:4943', 'env.json')).toMatchObject({ ok: true, config: { local: true } });
    expect(parseConfig({ ...ids, DFX_NETWORK: 'ic', IC_HOST: 'https://icp0.io' }, 'https://x', 'env.json')).toMatchObject({
      ok: true,
      config: { host: 'https://icp0.io' },
    });
  });

  it('serves a local network from the page’s own origin when no host is named, and honours overrides', () => {
    const parsed = parseConfig({ ...ids, II_URL: 'http://ii.local', CANISTER_ID_FAUCET: IDS.ledger.toText() }, 'http://127.0.0.1:4943', 'env.json');
    expect(parsed).toMatchObject({ ok: true, config: { host: 'http://127.0.0.1:4943', identityProvider: 'http://ii.local' } });
    expect(parsed.ok && parsed.config.canisters.faucet?.toText()).toBe(IDS.ledger.toText());
  });

  it('says what is missing or wrong', () => {
    const { CANISTER_ID_LEDGER: _, ...noLedger } = ids;
    expect(parseConfig(noLedger, 'http://x', 'build')).toMatchObject({ ok: false, error: /id of the ledger canister: start the network with npm start/ });
    expect(parseConfig({ ...ids, CANISTER_ID_PAYMENT: 'nope' }, 'http://x', 'build')).toEqual({
      ok: false,
      error: 'The payment canister id "nope" is not a valid principal.',
    });
    expect(parseConfig({ ...ids, IC_HOST: 'ftp://x' }, 'http://x', 'build')).toMatchObject({ ok: false, error: /not an http\(s\) URL/ });
  });

  it('routes by the hash', () => {
    expect(parseHash('#/jobs/12')).toMatchObject({ page: 'jobs', id: '12' });
    expect(parseHash('#/playground?model=3').params.get('model')).toBe('3');
    expect(parseHash('')).toMatchObject({ page: '', id: undefined });
  });
});
