// A key as list_api_keys answers it, for the SDK's, the CLI's and the web app's key tests: a live key that has done
// nothing yet, with `overrides` applied.
import type { ApiKeyInfo, KeyTerms } from '../../../src/sdk/api';

export const KEY_TERMS: KeyTerms = { name: 'bot', spend_cap: 100n, expires_at: [], models: [], requests_per_minute: 60 };

export const keyInfo = (overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo => ({
  id: 3n,
  terms: KEY_TERMS,
  hint: 'wxyz',
  created_at: 1n,
  revoked_at: [],
  spent: 0n,
  held: 0n,
  requests: 0n,
  last_used_at: [],
  ...overrides,
});
