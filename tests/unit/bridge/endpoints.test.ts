import { describe, expect, it } from 'vitest';

import {
  atCap,
  dropEndpoint,
  endpointProblem,
  MAX_ENDPOINTS_PER_PROVIDER,
  normalUrl,
  notProven,
  putEndpoint,
  stale,
  type EndpointTables,
} from '../../../canisters/bridge/endpoints';
import type { Endpoint } from '../../../canisters/bridge/types';
import { FakeTable, principal } from './fakes';

const tables = (): EndpointTables => ({ endpoints: new FakeTable(), byUrl: new FakeTable(), byProvider: new FakeTable() });
const endpoint = (node: number, provider: number, url = `http://w${node}.test`): Endpoint => ({
  node: principal(node),
  provider: principal(provider),
  url,
  registered_at: 0n,
});

describe('worker endpoints', () => {
  it('compares URLs without trailing slashes and with the scheme and host in lower case', () => {
    expect(normalUrl('HTTPS://Worker.Example.com:8080/Path//')).toBe('https://worker.example.com:8080/Path');
  });

  it('keeps one node per URL: another node is refused, the same node may register again, a freed URL is taken', () => {
    const t = tables();
    putEndpoint(t, endpoint(1, 10, 'http://w.test'));
    expect(endpointProblem(t, endpoint(2, 20, 'http://w.test'))).toBe('url: another node is registered at http://w.test');
    expect(endpointProblem(t, endpoint(1, 10, 'http://w.test'))).toBeUndefined();
    putEndpoint(t, endpoint(1, 10, 'http://moved.test'));
    expect(endpointProblem(t, endpoint(2, 20, 'http://w.test'))).toBeUndefined();
    expect(t.byProvider.get(principal(10).toHex())).toEqual([principal(1).toHex()]);
  });

  it(`caps a provider at ${MAX_ENDPOINTS_PER_PROVIDER} endpoints, and frees the slots of nodes it no longer holds`, () => {
    const t = tables();
    for (let n = 1; n <= MAX_ENDPOINTS_PER_PROVIDER; n++) putEndpoint(t, endpoint(n, 200));
    const next = endpoint(MAX_ENDPOINTS_PER_PROVIDER + 1, 200);
    expect(atCap(t, principal(200), next.node)).toBe(true);
    expect(endpointProblem(t, next)).toMatch(/at most 32/);
    // A node already registered may move, at the cap.
    expect(endpointProblem(t, endpoint(1, 200, 'http://elsewhere.test'))).toBeUndefined();
    // Identity says node 1 is no longer held: its endpoint goes, and the next fits.
    const held = Array.from({ length: MAX_ENDPOINTS_PER_PROVIDER - 1 }, (_, i) => principal(i + 2));
    const gone = stale(t, principal(200), held);
    expect(gone).toEqual([principal(1).toHex()]);
    for (const node of gone) dropEndpoint(t, node);
    expect(endpointProblem(t, next)).toBeUndefined();
    expect(t.endpoints.get(principal(1).toHex())).toBeUndefined();
    expect(t.byUrl.get('http://w1.test')).toBeUndefined();
  });

  it('takes a URL as proven only when its worker answers GET /node with the registering node', () => {
    const url = 'http://w1.test';
    const answer = (status: bigint, text: string) => ({ Ok: { status, body: new TextEncoder().encode(text) } });
    expect(notProven(url, principal(1), answer(200n, `${principal(1).toText()}\n`))).toBeUndefined();
    expect(notProven(url, principal(1), answer(200n, principal(2).toText()))).toBe(
      `url: the worker at ${url} runs as node ${principal(2).toText()}, not as the caller ${principal(1).toText()}`,
    );
    expect(notProven(url, principal(1), answer(404n, principal(1).toText()))).toMatch('answered status 404');
    expect(notProven(url, principal(1), { Err: 'connection refused' })).toMatch('could not ask http://w1.test/node');
  });
});
