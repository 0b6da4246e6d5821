// Probe rounds: only the nodes the marketplace names are probed; other endpoints, however many, cost nothing.
import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { PROBE_PENALTY_BPS, probeAll, type ProbeDeps } from '../../../canisters/bridge/probes';
import type { Probes } from '../../../canisters/bridge/types';
import type { CallOutcome } from '../../../canisters/shared/peer_call';
import { FakeTable, fakeWork, principal } from './fakes';

/** A round over endpoints of nodes 1 to 5, of which the marketplace names `targets`; node 2 answers 503. */
async function round(targets: CallOutcome<Principal[]>) {
  const work = fakeWork([1, 2, 3, 4, 5]);
  const probed: string[] = [];
  const penalized: [string, number][] = [];
  const deps: ProbeDeps = {
    targets: async () => targets,
    endpointOf: work.endpointOf,
    probes: new FakeTable<string, Probes>(),
    probeStatus: async (url) => {
      probed.push(url);
      return { Ok: { status: url === 'http://node2' ? 503n : 200n, body: new Uint8Array() } };
    },
    penalize: async (provider, bps) => void penalized.push([provider.toText(), bps]),
    now: () => 7n,
  };
  await probeAll(deps);
  return { probed, penalized, probes: deps.probes as FakeTable<string, Probes> };
}

describe('probe round', () => {
  it('probes the named nodes’ endpoints only, and blames a failure on its provider', async () => {
    // Node 9 is named but has no endpoint: nothing to probe.
    const { probed, penalized, probes } = await round({ Ok: [principal(1), principal(2), principal(9)] });
    expect(probed).toEqual(['http://node1', 'http://node2']);
    expect(penalized).toEqual([[principal(12).toText(), PROBE_PENALTY_BPS]]);
    expect([...probes.map.keys()].sort()).toEqual([principal(1).toHex(), principal(2).toHex()].sort());
    expect(probes.get(principal(2).toHex())).toEqual({ node: principal(2), probes: 1n, failures: 1n, last_ok: false, last_at: 7n });
  });

  it('probes nothing when the marketplace cannot say which nodes', async () => {
    const { probed, penalized, probes } = await round({ Err: 'marketplace: unreachable' });
    expect([probed, penalized, probes.map.size]).toEqual([[], [], 0]);
  });
});
