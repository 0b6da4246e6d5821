// Worker endpoints: one node per URL (one machine is not two providers), the worker at a URL proving it runs as the
// node that registers it (so nobody lists a rival's worker as their own), and a cap per provider. Pure: the tables
// and the worker's answer come in, so unit tests use fakes.
//
// Issue 13 asked that a worker's answers be signed by its node's key. Proof at registration does that job for less:
// a URL is only ever a node's own, and the worker runs only jobs job_assignment names for its own node, so a
// registration pointing at someone else's worker gets nothing run. An Ed25519 check inside the canister on every
// answer would cost far more instructions per job than the attack it would still close.
import type { Principal } from '@dfinity/principal';

import type { Table } from './tables';
import type { Endpoint } from './types';

/**
 * The most endpoints one provider registers: identity lets a provider hold 32 claimed nodes, each with one
 * endpoint, so only nodes it no longer holds could exceed it, and those are dropped (see stale).
 */
export const MAX_ENDPOINTS_PER_PROVIDER = 32;

export type EndpointTables = {
  /** By the node's principal (hex). */
  endpoints: Table<string, Endpoint>;
  /** The node (hex) registered at each URL. */
  byUrl: Table<string, string>;
  /** The nodes (hex) with an endpoint, by their provider (hex). */
  byProvider: Table<string, string[]>;
};

/** The URL as the bridge keeps and compares it: no trailing slashes, the scheme and host in lower case. */
export function normalUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  const origin = /^[a-z]+:\/\/[^/?#]+/i.exec(trimmed)![0];
  return origin.toLowerCase() + trimmed.slice(origin.length);
}

/** Whether `provider` has as many endpoints as it may, not counting `node`'s own. */
export function atCap(t: EndpointTables, provider: Principal, node: Principal): boolean {
  const nodes = t.byProvider.get(provider.toHex()) ?? [];
  return !nodes.includes(node.toHex()) && nodes.length >= MAX_ENDPOINTS_PER_PROVIDER;
}

/** Why `endpoint` may not be registered, or undefined. */
export function endpointProblem(t: EndpointTables, endpoint: Endpoint): string | undefined {
  const holder = t.byUrl.get(endpoint.url);
  if (holder !== undefined && holder !== endpoint.node.toHex()) return `url: another node is registered at ${endpoint.url}`;
  if (atCap(t, endpoint.provider, endpoint.node))
    return `endpoints: a provider registers at most ${MAX_ENDPOINTS_PER_PROVIDER}; retire a node in identity first`;
}

/** A worker's reply to GET `<url>/node`, or why the outcall failed. */
export type NodeReply = { Ok: { status: bigint; body: Uint8Array | number[] } } | { Err: string };

/** Why `reply` does not prove that the worker at `url` runs as `node`, or undefined; the refusal is an InvalidInput. */
export function notProven(url: string, node: Principal, reply: NodeReply): string | undefined {
  if ('Err' in reply) return `url: the bridge could not ask ${url}/node which node the worker is: ${reply.Err}`;
  if (reply.Ok.status !== 200n) return `url: ${url}/node answered status ${reply.Ok.status}, not the worker's node principal`;
  const answered = new TextDecoder().decode(Uint8Array.from(reply.Ok.body)).trim();
  if (answered !== node.toText()) return `url: the worker at ${url} runs as node ${answered}, not as the caller ${node.toText()}`;
}

/** Records `endpoint`, replacing the node's previous one (its URL freed, its provider's list updated). */
export function putEndpoint(t: EndpointTables, endpoint: Endpoint): void {
  const node = endpoint.node.toHex();
  dropEndpoint(t, node);
  t.endpoints.insert(node, endpoint);
  t.byUrl.insert(endpoint.url, node);
  const provider = endpoint.provider.toHex();
  t.byProvider.insert(provider, [...(t.byProvider.get(provider) ?? []), node]);
}

/** Forgets the node's endpoint, if it has one. */
export function dropEndpoint(t: EndpointTables, node: string): void {
  const old = t.endpoints.get(node);
  if (old === undefined) return;
  t.endpoints.remove(node);
  if (t.byUrl.get(old.url) === node) t.byUrl.remove(old.url);
  const provider = old.provider.toHex();
  const rest = (t.byProvider.get(provider) ?? []).filter((n) => n !== node);
  if (rest.length === 0) t.byProvider.remove(provider);
  else t.byProvider.insert(provider, rest);
}

/** The provider's endpoint nodes (hex) that are not among `claimed`, the nodes identity says it holds now. */
export function stale(t: EndpointTables, provider: Principal, claimed: Principal[]): string[] {
  const held = new Set(claimed.map((node) => node.toHex()));
  return (t.byProvider.get(provider.toHex()) ?? []).filter((node) => !held.has(node));
}
