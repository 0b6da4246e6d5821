// The API's HTTP answers: a CORS preflight that lets a browser send whatever headers its client adds, and errors
// that tell the `openai` client not to retry once a retry could pay twice or cannot help.
import { describe, expect, it } from 'vitest';

import { apiError } from '../../../canisters/api/errors';
import { failure, MAX_REQUEST_HEADERS_BYTES, preflight } from '../../../canisters/api/http';
import type { HttpResponse } from '../../../canisters/api/types';

const headerOf = (r: HttpResponse, name: string) => r.headers.find(([n]) => n === name)?.[1];
const STAINLESS = 'authorization, content-type, x-stainless-os, x-stainless-helper-method, x-stainless-poll-helper';

describe('a CORS preflight', () => {
  it('echoes the headers the browser asks for, so the client’s X-Stainless-* helpers pass', () => {
    const pre = preflight(STAINLESS);
    expect(pre.status_code).toBe(204);
    expect(headerOf(pre, 'access-control-allow-headers')).toBe(STAINLESS);
    expect(headerOf(pre, 'access-control-allow-origin')).toBe('*');
  });

  it('answers the fixed list when nothing, something too long or something not a header list is asked', () => {
    const fixed = headerOf(preflight(undefined), 'access-control-allow-headers');
    expect(fixed).toMatch(/Authorization/);
    for (const asked of ['x-a'.repeat(MAX_REQUEST_HEADERS_BYTES), 'x-a\r\nset-cookie: 1', 'a,,b', ''])
      expect(headerOf(preflight(asked), 'access-control-allow-headers')).toBe(fixed);
  });
});

describe('an error', () => {
  const retry = (e: Parameters<typeof failure>[0]) => headerOf(failure(e), 'x-should-retry');

  it('says x-should-retry: false once money may have moved, for a spent cap and for 402', () => {
    expect(retry({ ...apiError(502, 'the worker failed', 'server_error'), paid: true })).toBe('false');
    expect(retry({ ...apiError(504, 'timed out', 'server_error'), paid: true })).toBe('false');
    expect(retry(apiError(429, 'cap', 'insufficient_quota', null, 'insufficient_quota'))).toBe('false');
    expect(retry(apiError(402, 'approve', 'insufficient_quota', null, 'payment_required'))).toBe('false');
  });

  it('leaves retries to the client where nothing was paid: a rate limit with retry-after, no provider', () => {
    const limited = failure({ ...apiError(429, 'rate', 'requests', null, 'rate_limit_exceeded'), retryAfter: 3 });
    expect(headerOf(limited, 'retry-after')).toBe('3');
    expect(headerOf(limited, 'x-should-retry')).toBeUndefined();
    expect(retry(apiError(503, 'no provider', 'server_error', null, 'no_provider'))).toBeUndefined();
    expect(retry(apiError(502, 'the registry could not be reached', 'server_error'))).toBeUndefined();
  });
});
