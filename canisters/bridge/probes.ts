// Health probes of the /status of nodes that can be matched. A node that does not answer 200 counts a failure and
// its provider loses reputation in identity; the counts give the node's uptime. Only nodes the marketplace names
// (those in active offers of certified, staked providers) are probed, so endpoints a stranger registers cost a
// round nothing. Pure: the marketplace, the outcall, identity and the clock come in.
import type { Principal } from '@dfinity/principal';

import type { CallOutcome } from '../shared/peer_call';
import type { Table } from './tables';
import type { Endpoint, Probes } from './types';
import type { Posted } from './work';

/** Matchable nodes' /status is probed this often. */
export const PROBE_INTERVAL_S = 300;
/** What a failed probe costs the node's provider, in reputation bps. */
export const PROBE_PENALTY_BPS = 100;

export type ProbeDeps = {
  /** The nodes worth probing, as the marketplace says (bounded there). */
  targets(): Promise<CallOutcome<Principal[]>>;
  endpointOf(node: Principal): Endpoint | undefined;
  probes: Table<string, Probes>;
  probeStatus(url: string): Promise<Posted>;
  /** Lowers the provider's reputation in identity (nothing when no identity canister is named). */
  penalize(provider: Principal, bps: number, reason: string): Promise<unknown>;
  now(): bigint;
};

/** The probe record after one more probe that succeeded or not. */
export function probed(before: Probes | undefined, node: Principal, ok: boolean, at: bigint): Probes {
  const { probes, failures } = before ?? { probes: 0n, failures: 0n };
  return { node, probes: probes + 1n, failures: failures + (ok ? 0n : 1n), last_ok: ok, last_at: at };
}

/** Probes each target's endpoint; when the marketplace cannot name the targets, none (never every endpoint). */
export async function probeAll(deps: ProbeDeps): Promise<void> {
  const targets = await deps.targets();
  if ('Err' in targets) return;
  for (const node of targets.Ok) {
    // A node with no endpoint has nothing to probe: it cannot be dispatched to either.
    const endpoint = deps.endpointOf(node);
    if (endpoint === undefined) continue;
    const response = await deps.probeStatus(endpoint.url);
    const ok = 'Ok' in response && response.Ok.status === 200n;
    const key = endpoint.node.toHex();
    deps.probes.insert(key, probed(deps.probes.get(key), endpoint.node, ok, deps.now()));
    if (!ok) await deps.penalize(endpoint.provider, PROBE_PENALTY_BPS, `health probe of node ${endpoint.node.toText()} failed`);
  }
}
