// Fakes for the bridge's pure modules: Map-backed tables, nodes whose answers the test writes, and a verification
// that returns the verdict the test sets.
import { Principal } from '@dfinity/principal';

import type { Table } from '../../../canisters/bridge/tables';
import { outputSha256Hex } from '../../../canisters/shared/output_hash';
import type { DispatchRequest, Endpoint, Settings } from '../../../canisters/bridge/types';
import type { Posted, WorkDeps } from '../../../canisters/bridge/work';
import type { Verdict, VerifyRequest } from '../../../canisters/verification/types';

export class FakeTable<K, V> implements Table<K, V> {
  readonly map = new Map<K, V>();
  get = (key: K) => this.map.get(key);
  insert = (key: K, value: V) => this.map.set(key, value);
  remove = (key: K) => this.map.delete(key);
  containsKey = (key: K) => this.map.has(key);
  keys = () => [...this.map.keys()];
  values = () => [...this.map.values()];
}

export const principal = (n: number) => Principal.fromUint8Array(Uint8Array.of(n));
export const marketplace = principal(100);
export const admin = principal(101);
export const consumer = principal(102);

export const settings = (over: Partial<Settings> = {}): Settings => ({
  admin,
  identity: [],
  marketplace: [marketplace],
  verification: [principal(103)],
  payment: [principal(104)],
  audit_rate_bps: 0,
  dispute_deposit: 10n,
  ...over,
});

export const request = (over: Partial<DispatchRequest> = {}): DispatchRequest => ({
  job_id: 1n,
  consumer,
  kind: { text_generation: null },
  model_sha256: new Uint8Array(32),
  input: 'hi',
  max_tokens: 8,
  redundancy: 1,
  nodes: [principal(1), principal(2), principal(3)],
  generation: [],
  ...over,
});

/** A worker's answer body to job `jobId`: `tokens`, and the sha256 the bridge checks. */
export function answerBody(jobId: bigint, tokens: number[], text = 'text'): Uint8Array {
  const output_sha256 = outputSha256Hex({ tokens, text });
  return new TextEncoder().encode(
    JSON.stringify({ job_id: `${jobId}`, kind: 'text_generation', output_sha256, tokens, text, runtime: 'rt' }),
  );
}

/** Nodes (1 to 3 unless named) with endpoints (node n of provider 10 + n), answering what `answers` says, and a verification. */
export function fakeWork(nodes: number[] = [1, 2, 3]) {
  const endpoints = new Map<string, Endpoint>();
  for (const n of nodes) {
    const node = principal(n);
    endpoints.set(node.toText(), { node, provider: principal(10 + n), url: `http://node${n}`, registered_at: 0n });
  }
  const posts: { node: string; body: string }[] = [];
  const verified: VerifyRequest[] = [];
  /** What each node answers, by its text: a body, or an outcall failure (connection refused when unset). */
  const answers = new Map<string, Posted>();
  const verdicts: Verdict[] = [];
  const deps: WorkDeps = {
    endpointOf: (node: Principal) => endpoints.get(node.toText()),
    post: async (_request: DispatchRequest, endpoint: Endpoint, body: string) => {
      posts.push({ node: endpoint.node.toText(), body });
      return answers.get(endpoint.node.toText()) ?? { Err: 'connection refused' };
    },
    verify: async (verifyRequest: VerifyRequest) => {
      verified.push(verifyRequest);
      const verdict = verdicts.at(-1);
      return verdict === undefined ? { Err: 'no verdict' } : { Ok: verdict };
    },
    now: () => 1_000n,
  };
  /** `verdict` is what verification answers from now on. */
  const setVerdict = (verdict: Verdict) => void verdicts.push(verdict);
  return { ...deps, endpoints, answers, posts, verified, setVerdict };
}

export const ok = (body: Uint8Array): Posted => ({ Ok: { status: 200n, body } });
