// The Keys page's logic over stand-in canisters: the list with usage of the cap, the base URL per network, creating a
// key (form checks, no allowance, the canister's refusals in words), revoking, setting payment's allowance, and an app
// on a network without the api canister. The real canisters answer in tests/e2e/keys.test.ts.
import { describe, expect, it } from 'vitest';

import type { ApiKeyInfo, KeyTerms } from '../../../src/sdk/api';
import { parseConfig, type AppConfig } from '../../../src/frontend/lib/config';
import {
  approveForKeys,
  createKey,
  keyRow,
  loadKeys,
  openaiSnippet,
  revokeKey,
  type KeyForm,
} from '../../../src/frontend/lib/services/keys';
import { fakeActors, IDS, LIT, principal } from './fakes';
import { keyInfo } from '../sdk/key_info';

const NOW_MS = Date.parse('2026-12-07T00:00:00Z');
const me = principal(50);
const terms: KeyTerms = { name: 'bot', spend_cap: 200_000_000n, expires_at: [], models: [], requests_per_minute: 60 };
const info = (overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo => keyInfo({ id: 1n, terms, ...overrides });
const config = (network: string, host: string): AppConfig => ({
  network,
  local: network === 'local',
  host,
  canisters: IDS,
  identityProvider: '',
  source: 'env.json',
});
const form = (overrides: Partial<KeyForm> = {}): KeyForm => ({ name: 'bot', cap: '2', expires: '', models: [], rpm: '60', ...overrides });

describe('the Keys page', () => {
  it('lists keys newest first with their usage of the cap, the allowance and the base URL', async () => {
    const { actors } = fakeActors({
      api: { list_api_keys: () => [info({ spent: 50_000_000n, held: 10_000_000n }), info({ id: 2n, revoked_at: [1n] })] },
      ledger: { icrc2_allowance: () => ({ allowance: 7n, expires_at: [] }) },
    });
    const loaded = await loadKeys(actors, me, config('local', 'http://127.0.0.1:4943'), NOW_MS);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.keys.map((row) => [row.key.id, row.status, row.spentPercent, row.heldPercent])).toEqual([
      [2n, 'revoked', 0, 0],
      [1n, 'live', 25, 5],
    ]);
    expect(loaded.value.allowance.allowance).toBe(7n);
    expect(loaded.value.baseUrl).toBe(`http://${IDS.api.toText()}.localhost:4943/v1`);
    expect((await loadKeys(actors, me, config('ic', 'https://icp-api.io'), NOW_MS)).ok && true).toBe(true);
    const mainnet = await loadKeys(actors, me, config('ic', 'https://icp-api.io'), NOW_MS);
    expect(mainnet.ok && mainnet.value.baseUrl).toBe(`https://${IDS.api.toText()}.icp0.io/v1`);
  });

  it('shows a spent key, and an expired one, as such', () => {
    expect(keyRow(info({ spent: 200_000_000n }), 0n)).toMatchObject({ status: 'spent', spentPercent: 100 });
    expect(keyRow(info({ terms: { ...terms, expires_at: [5n] } }), 5n).status).toBe('expired');
  });

  it('creates a key with the form’s terms and returns the secret', async () => {
    const { actors, calls } = fakeActors({
      ledger: { icrc2_allowance: () => ({ allowance: 1n, expires_at: [] }) },
      api: { create_api_key: (t: KeyTerms) => ({ Ok: { key: info({ terms: t }), secret: 'sk-icp-1-s' } }) },
    });
    const created = await createKey(actors, me, form({ cap: '1.5', expires: '7', models: ['2'], rpm: '5' }), LIT, undefined, NOW_MS);
    expect(created).toMatchObject({ ok: true, value: { secret: 'sk-icp-1-s' } });
    expect(calls.find((c) => c.method === 'create_api_key')?.args[0]).toEqual({
      name: 'bot',
      spend_cap: 150_000_000n,
      expires_at: [BigInt(NOW_MS + 7 * 86_400_000) * 1_000_000n],
      models: ['2'],
      requests_per_minute: 5,
    });
  });

  it('refuses bad terms before any call, in words', async () => {
    const { actors, calls } = fakeActors({});
    expect(await createKey(actors, me, form({ cap: '0' }), LIT, undefined, NOW_MS)).toEqual({
      ok: false,
      error: 'The key’s terms are not valid: spend_cap: more than 0.',
    });
    expect(await createKey(actors, me, form({ rpm: '0' }), LIT, undefined, NOW_MS)).toMatchObject({
      error: /requests_per_minute: 1 to 600/,
    });
    expect(await createKey(actors, me, form({ cap: 'lots' }), LIT, undefined, NOW_MS)).toMatchObject({
      error: /^Spend cap: "lots" is not an amount/,
    });
    expect(await createKey(actors, me, form({ name: 'x'.repeat(65) }), LIT, undefined, NOW_MS)).toMatchObject({
      error: /name: 1 to 64 bytes/,
    });
    expect(calls).toEqual([]);
  });

  it('asks for an approval first when the user has no allowance to payment', async () => {
    const { actors, calls } = fakeActors({ ledger: { icrc2_allowance: () => ({ allowance: 0n, expires_at: [] }) } });
    expect(await createKey(actors, me, form(), LIT, undefined, NOW_MS)).toMatchObject({
      ok: false,
      error: /you have none: approve payment above first/,
    });
    expect(calls.map((c) => c.method)).toEqual(['icrc2_allowance']);
  });

  it('puts the canister’s refusals in words', async () => {
    const { actors } = fakeActors({
      ledger: { icrc2_allowance: () => ({ allowance: 1n, expires_at: [] }) },
      api: {
        create_api_key: () => ({ Err: { LimitReached: 'at most 20 live keys: revoke one first' } }),
        revoke_api_key: () => ({ Err: { NotFound: null } }),
      },
    });
    expect(await createKey(actors, me, form(), LIT, undefined, NOW_MS)).toEqual({
      ok: false,
      error: 'You have reached a limit on keys: at most 20 live keys: revoke one first.',
    });
    expect(await revokeKey(actors, 9n)).toEqual({ ok: false, error: 'You have no key with that id.' });
  });

  it('revokes a key', async () => {
    const { actors, calls } = fakeActors({ api: { revoke_api_key: (id: bigint) => ({ Ok: info({ id, revoked_at: [1n] }) }) } });
    expect(await revokeKey(actors, 4n)).toMatchObject({ ok: true, value: { id: 4n, revoked_at: [1n] } });
    expect(calls[0].args).toEqual([4n]);
  });

  it('sets payment’s allowance for keys, refusing 0 and garbage', async () => {
    const { actors, calls } = fakeActors({ ledger: { icrc2_approve: () => ({ Ok: 3n }) } });
    expect(await approveForKeys(actors, '5', LIT, undefined, NOW_MS)).toEqual({ ok: true, value: 3n });
    expect(calls[0].args[0]).toMatchObject({ spender: { owner: IDS.payment }, amount: 500_000_000n });
    expect(await approveForKeys(actors, '0', LIT)).toMatchObject({ ok: false, error: /more than 0/ });
    expect(await approveForKeys(actors, 'x', LIT)).toMatchObject({ ok: false });
    expect(calls).toHaveLength(1);
  });

  it('says so on a network without the api canister', async () => {
    const { actors } = fakeActors({});
    const none = { ...actors, api: undefined };
    expect(await loadKeys(none, me, config('local', 'http://x'))).toMatchObject({ ok: false, error: /no API canister/ });
    expect(await createKey(none, me, form(), LIT)).toMatchObject({ ok: false, error: /no API canister/ });
    const { CANISTER_ID_API: _, ...env } = Object.fromEntries(
      Object.entries(IDS).map(([name, id]) => [`CANISTER_ID_${name.toUpperCase()}`, id.toText()]),
    );
    const parsed = parseConfig(env, 'http://127.0.0.1:4943', 'env.json');
    expect(parsed.ok && parsed.config.canisters.api).toBeUndefined();
  });

  it('shows the openai client pointed at the base URL, the secret read from the environment', () => {
    const code = openaiSnippet('http://x.localhost:4943/v1', '2');
    expect(code).toContain("new OpenAI({\n  baseURL: 'http://x.localhost:4943/v1',\n  apiKey: process.env.ICP_API_KEY,\n});");
    expect(code).toContain("model: '2'");
  });
});
