// What `keys create|list|revoke` print over a stand-in connection: the secret once, marked, with the base URL and a
// request to try; lists with the hint and never the secret; refusals in words, with the approve command when there is
// no allowance. The real api canister answers in tests/integration/cli/keys.test.ts.
import { Principal } from '@dfinity/principal';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Connection } from '../../../src/cli/connect';
import { createKey, listKeys, revokeKey } from '../../../src/cli/keys';
import type { ApiKeyInfo, KeyTerms } from '../../../src/sdk/api';
import { Refused } from '../../../src/sdk/errors';
import { NoAllowance } from '../../../src/sdk/keys';
import { keyInfo } from '../sdk/key_info';

const NOW_MS = Date.parse('2026-12-07T00:00:00Z');
const payment = Principal.fromUint8Array(new Uint8Array([5]));
const me = Principal.fromUint8Array(new Uint8Array([50]));
const SECRET = 'sk-icp-3-AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKKwxyz';
const BASE = 'http://aaaaa-aa.localhost:4943/v1';

const info = (terms: KeyTerms, overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo => keyInfo({ terms, ...overrides });

type Keys = {
  createKey?: (owner: Principal, terms: KeyTerms) => Promise<unknown>;
  listKeys?: () => Promise<ApiKeyInfo[]>;
  revokeKey?: (id: bigint) => Promise<ApiKeyInfo>;
};

/** The lines a command prints, or its error's message. */
async function printed(run: (c: Connection) => Promise<void>, keys: Keys): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const c = {
    me,
    ledger: { icrc1_decimals: async () => 8, icrc1_symbol: async () => 'LIT', icrc1_fee: async () => 10_000n },
    keys: () => keys,
    apiBaseUrl: () => BASE,
  };
  try {
    await run(c as unknown as Connection);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
  return log.mock.calls.map((args) => args.join(' ')).join('\n');
}

describe('keys on the command line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the secret once, marked, with the base URL and a request to try it', async () => {
    let sent: KeyTerms | undefined;
    const out = await printed((c) => createKey(c, { name: 'bot', cap: '1.5', expires: '30', models: '2', rpm: '10' }, NOW_MS), {
      createKey: async (owner, terms) => {
        expect(owner).toBe(me);
        sent = terms;
        return { key: info(terms), secret: SECRET };
      },
    });
    expect(sent).toMatchObject({ name: 'bot', spend_cap: 150_000_000n, models: ['2'], requests_per_minute: 10 });
    expect(out.split(SECRET).length - 1).toBe(2);
    expect(out).toContain(`SECRET (shown only now; it cannot be shown again, store it somewhere safe):\n  ${SECRET}`);
    expect(out).toContain(`base URL: ${BASE}`);
    expect(out).toContain(`curl ${BASE}/chat/completions -H "Authorization: Bearer ${SECRET}"`);
    expect(out).toContain('"model":"2"');
    expect(out).toContain('key 3 "bot" (live) sk-icp-…wxyz: spent 0 LIT + held 0 LIT of 1.5 LIT');
  });

  it('refuses bad terms before any call, in the canister’s words', async () => {
    const keys = { createKey: vi.fn() };
    expect(await printed((c) => createKey(c, { name: 'bot', cap: '0' }, NOW_MS), keys)).toBe(
      'error: invalid key terms: spend_cap: more than 0',
    );
    expect(await printed((c) => createKey(c, { name: 'bot', cap: '1', rpm: '0' }, NOW_MS), keys)).toBe(
      'error: invalid key terms: requests_per_minute: 1 to 600',
    );
    expect(await printed((c) => createKey(c, { name: 'x'.repeat(65), cap: '1' }, NOW_MS), keys)).toBe(
      'error: invalid key terms: name: 1 to 64 bytes',
    );
    expect(await printed((c) => createKey(c, { cap: '1' }, NOW_MS), keys)).toBe(
      'error: keys create needs --name <name> and --cap <tokens>',
    );
    expect(keys.createKey).not.toHaveBeenCalled();
  });

  it('tells a user without an allowance the approve command', async () => {
    const out = await printed((c) => createKey(c, { name: 'bot', cap: '2' }, NOW_MS), {
      createKey: async () => Promise.reject(new NoAllowance(payment)),
    });
    expect(out).toContain(`you have none: approve payment first`);
    expect(out).toContain('npm run cli -- ledger approve payment 2');
  });

  it('lists keys with their hint and usage, never a secret', async () => {
    const terms = { name: 'bot', spend_cap: 200_000_000n, expires_at: [] as [], models: [], requests_per_minute: 60 };
    const out = await printed((c) => listKeys(c, NOW_MS), {
      listKeys: async () => [
        info(terms, { spent: 50_000_000n, held: 10_000_000n, requests: 4n, last_used_at: [BigInt(NOW_MS) * 1_000_000n] }),
        info(terms, { id: 4n, revoked_at: [BigInt(NOW_MS) * 1_000_000n] }),
      ],
    });
    expect(out).toBe(
      [
        'key 3 "bot" (live) sk-icp-…wxyz: spent 0.5 LIT + held 0.1 LIT of 2 LIT, 4 requests, last used 2026-12-07T00:00:00.000Z, never expires, models all, 60/min',
        'key 4 "bot" (revoked at 2026-12-07T00:00:00.000Z) sk-icp-…wxyz: spent 0 LIT + held 0 LIT of 2 LIT, 0 requests, never used, never expires, models all, 60/min',
      ].join('\n'),
    );
  });

  it('revokes by id, and says so when the key is not the caller’s', async () => {
    const terms = { name: 'bot', spend_cap: 1n, expires_at: [] as [], models: [], requests_per_minute: 60 };
    expect(await printed((c) => revokeKey(c, '3'), { revokeKey: async () => info(terms, { revoked_at: [1n] }) })).toBe(
      'key 3 "bot" is revoked: requests with it are refused from now on',
    );
    expect(
      await printed((c) => revokeKey(c, '9'), { revokeKey: async () => Promise.reject(new Refused('revoke_api_key', { NotFound: null })) }),
    ).toBe('error: you have no key with that id');
    expect(await printed((c) => revokeKey(c, 'x'), {})).toBe('error: not a key id: "x"');
  });
});
