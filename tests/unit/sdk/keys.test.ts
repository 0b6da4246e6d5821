// API key terms as people type them (what the CLI and the web app send), the API's base URL on each network, and the
// key client over stand-in canisters: no allowance stops creation before any call, and the canister's refusals
// come back as Refused. The real api canister answers the same calls in tests/integration/cli/keys.test.ts.
import { describe, expect, it } from 'vitest';

import { MAX_KEY_MODELS, MAX_NAME_BYTES, MAX_REQUESTS_PER_MINUTE } from '../../../canisters/api/keys';
import type { ApiKeyInfo, ApiService, KeyTerms } from '../../../src/sdk/api';
import { Refused } from '../../../src/sdk/errors';
import {
  apiBaseUrl,
  DEFAULT_REQUESTS_PER_MINUTE,
  InvalidKeyTerms,
  KeyClient,
  keyStatus,
  keyTerms,
  NoAllowance,
} from '../../../src/sdk/keys';
import { principal } from '../frontend/fakes';
import { keyInfo } from './key_info';

const NOW_MS = Date.parse('2026-12-07T00:00:00Z');
const NS = 1_000_000n;
const refusal = (input: Parameters<typeof keyTerms>[0]) => {
  try {
    keyTerms(input, NOW_MS);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidKeyTerms);
    return (error as InvalidKeyTerms).problem;
  }
  throw new Error('keyTerms accepted it');
};

describe('keyTerms', () => {
  it('turns typed choices into the terms the canister takes', () => {
    expect(keyTerms({ name: ' bot ', spendCap: 150_000_000n, expires: '30', models: '1, 2,1,', requestsPerMinute: '12' }, NOW_MS)).toEqual({
      name: 'bot',
      spend_cap: 150_000_000n,
      expires_at: [BigInt(NOW_MS + 30 * 86_400_000) * NS],
      models: ['1', '2'],
      requests_per_minute: 12,
    });
  });

  it('leaves expiry, models and rate to their defaults when nothing is typed', () => {
    const terms = keyTerms({ name: 'k', spendCap: 1n, expires: '  ', requestsPerMinute: '' }, NOW_MS);
    expect(terms).toMatchObject({ expires_at: [], models: [], requests_per_minute: DEFAULT_REQUESTS_PER_MINUTE });
  });

  it('reads an expiry as days, a date or a time', () => {
    expect(keyTerms({ name: 'k', spendCap: 1n, expires: '0.5d' }, NOW_MS).expires_at).toEqual([BigInt(NOW_MS + 43_200_000) * NS]);
    expect(keyTerms({ name: 'k', spendCap: 1n, expires: '2027-01-31' }, NOW_MS).expires_at).toEqual([
      BigInt(Date.parse('2027-01-31')) * NS,
    ]);
    expect(keyTerms({ name: 'k', spendCap: 1n, expires: '2026-12-07T12:00:00Z' }, NOW_MS).expires_at).toEqual([
      BigInt(NOW_MS + 43_200_000) * NS,
    ]);
  });

  it('refuses what the canister would, in its words', () => {
    expect(refusal({ name: 'k', spendCap: 0n })).toBe('spend_cap: more than 0');
    expect(refusal({ name: '', spendCap: 1n })).toBe(`name: 1 to ${MAX_NAME_BYTES} bytes`);
    expect(refusal({ name: 'é'.repeat(33), spendCap: 1n })).toBe(`name: 1 to ${MAX_NAME_BYTES} bytes`);
    expect(refusal({ name: 'k', spendCap: 1n, requestsPerMinute: '0' })).toBe(`requests_per_minute: 1 to ${MAX_REQUESTS_PER_MINUTE}`);
    expect(refusal({ name: 'k', spendCap: 1n, requestsPerMinute: MAX_REQUESTS_PER_MINUTE + 1 })).toBe(
      `requests_per_minute: 1 to ${MAX_REQUESTS_PER_MINUTE}`,
    );
    expect(refusal({ name: 'k', spendCap: 1n, expires: '2026-12-06' })).toBe('expires_at: in the future');
    expect(refusal({ name: 'k', spendCap: 1n, expires: '0' })).toBe('expires_at: in the future');
    const many = Array.from({ length: MAX_KEY_MODELS + 1 }, (_, i) => String(i));
    expect(refusal({ name: 'k', spendCap: 1n, models: many })).toBe(`models: at most ${MAX_KEY_MODELS}`);
  });

  it('refuses a rate or an expiry that is not one', () => {
    expect(refusal({ name: 'k', spendCap: 1n, requestsPerMinute: '1.5' })).toBe('requests_per_minute: "1.5" is not a whole number');
    expect(refusal({ name: 'k', spendCap: 1n, requestsPerMinute: '-3' })).toBe('requests_per_minute: "-3" is not a whole number');
    expect(refusal({ name: 'k', spendCap: 1n, expires: 'next week' })).toBe('expires: "next week" is neither a number of days nor a date');
  });
});

describe('apiBaseUrl', () => {
  const id = 'uxrrr-q7777-77774-qaaaq-cai';
  it('is the gateway on the local network’s port', () => {
    expect(apiBaseUrl(id, 'http://127.0.0.1:4943')).toBe(`http://${id}.localhost:4943/v1`);
    expect(apiBaseUrl(id, 'http://localhost:8000/')).toBe(`http://${id}.localhost:8000/v1`);
    expect(apiBaseUrl(id, 'local')).toBe(`http://${id}.localhost:4943/v1`);
  });
  it('is icp0.io on mainnet', () => {
    expect(apiBaseUrl(id, 'ic')).toBe(`https://${id}.icp0.io/v1`);
    expect(apiBaseUrl(principal(11), 'https://icp-api.io')).toBe(`https://${principal(11).toText()}.icp0.io/v1`);
  });
});

const terms: KeyTerms = { name: 'bot', spend_cap: 100n, expires_at: [], models: [], requests_per_minute: 60 };
const info = (overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo => keyInfo({ terms, ...overrides });

describe('keyStatus', () => {
  it('names why a key no longer serves', () => {
    expect(keyStatus(info(), 10n)).toBe('live');
    expect(keyStatus(info({ revoked_at: [5n], spent: 100n }), 10n)).toBe('revoked');
    expect(keyStatus(info({ terms: { ...terms, expires_at: [10n] } }), 10n)).toBe('expired');
    expect(keyStatus(info({ spent: 100n }), 10n)).toBe('spent');
  });
});

describe('KeyClient', () => {
  const owner = principal(50);
  const payment = principal(5);
  const client = (allowance: bigint, api: Partial<ApiService>) => {
    const calls: string[] = [];
    const keys = new KeyClient(
      {
        api: api as ApiService,
        ledger: {
          icrc2_allowance: async (args) => {
            calls.push(`allowance ${args.account.owner.toText()} -> ${args.spender.owner.toText()}`);
            return { allowance, expires_at: [] };
          },
        },
      },
      payment,
    );
    return { keys, calls };
  };

  it('creates no key without an allowance to payment, and says which canister to approve', async () => {
    const { keys, calls } = client(0n, { create_api_key: async () => Promise.reject(new Error('must not be called')) });
    const error = await keys.createKey(owner, terms).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAllowance);
    expect((error as NoAllowance).payment).toBe(payment);
    expect((error as Error).message).toContain(payment.toText());
    expect(calls).toEqual([`allowance ${owner.toText()} -> ${payment.toText()}`]);
  });

  it('returns the key and its secret once the canister makes it', async () => {
    const { keys } = client(1n, { create_api_key: async (t) => ({ Ok: { key: info({ terms: t }), secret: 'sk-icp-3-x' } }) });
    await expect(keys.createKey(owner, terms)).resolves.toEqual({ key: info(), secret: 'sk-icp-3-x' });
  });

  it('throws Refused with the canister’s reason', async () => {
    const { keys } = client(1n, {
      create_api_key: async () => ({ Err: { LimitReached: 'at most 20 live keys: revoke one first' } }),
      revoke_api_key: async () => ({ Err: { NotFound: null } }),
    });
    const created = await keys.createKey(owner, terms).catch((e: unknown) => e);
    expect(created).toBeInstanceOf(Refused);
    expect((created as Refused).reason).toEqual({ LimitReached: 'at most 20 live keys: revoke one first' });
    const revoked = await keys.revokeKey(9n).catch((e: unknown) => e);
    expect((revoked as Refused).reason).toEqual({ NotFound: null });
  });
});
