// Probes cost nothing per junk entry (issue 13, item 11): a probe round visits only nodes in active offers of
// certified, staked providers, as the marketplace's probe_targets names them. A stranger's node, claimed, with an
// endpoint and an offer, is never probed; a live offer's node is.
import type { Principal } from '@dfinity/principal';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROBE_INTERVAL_S } from '../../../canisters/bridge/probes';
import type { OfferTerms } from '../../../canisters/marketplace/offer_types';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import { randomUser } from '../localnet/probe';
import { ok, onboardProvider } from '../economy/suite';
import { deployTrust, type Trust } from './bridge_fixture';

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'junk' };

describe('probe rounds', () => {
  let t: Trust;
  let url: string;
  // Workers at `${url}/<node>`: GET /node proves the node, GET /status answers 200; which were probed, by node.
  const statusAsked = new Set<string>();

  beforeAll(async () => {
    t = await deployTrust();
    const server = createServer((request, response) => {
      const [, node, path] = request.url?.split('/') ?? [];
      if (path === 'status') statusAsked.add(node);
      response.writeHead(200).end(path === 'node' ? node : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.servers.push(server);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => t?.close());

  const bridgeAs = (node: Principal) => {
    const bridge = t.network.createActor<BridgeService>(bridgeIdl, t.e.ids.bridge);
    bridge.setPrincipal(node);
    return bridge;
  };

  /** A stranger's node: registered, claimed, with an endpoint and an offer on `terms`, but never certified or staked. */
  async function junkNode(terms: OfferTerms): Promise<Principal> {
    const { e } = t;
    const provider = randomUser();
    e.identity.setPrincipal(provider);
    ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'junk', region: 'eu-west', contact: 'j@x.test' }] }));
    e.identity.setPrincipal(randomUser());
    const { code } = ok(await e.identity.register_node(HARDWARE));
    e.identity.setPrincipal(provider);
    const node = ok(await e.identity.claim_node(code)).id;
    ok(await bridgeAs(node).register_endpoint(`${url}/${node.toText()}`));
    e.marketplace.setPrincipal(provider);
    ok(await e.marketplace.create_offer({ ...terms, nodes: [node] }));
    return node;
  }

  it('probes a live offer’s node and never a stranger’s, whose probes_of stays empty', async () => {
    const live = await onboardProvider(t.e, [t.model]);
    ok(await bridgeAs(live.node).register_endpoint(`${url}/${live.node.toText()}`));
    const junk = [await junkNode(live.offer.terms), await junkNode(live.offer.terms)];

    const bridge = bridgeAs(randomUser());
    for (let round = 0; round < 3 && (await bridge.probes_of(live.node)).length === 0; round++) {
      await t.network.advanceTime(PROBE_INTERVAL_S * 1_000 + 1_000);
      for (let i = 0; i < 20; i++) await t.network.tick();
    }
    const [record] = await bridge.probes_of(live.node);
    expect(record).toMatchObject({ last_ok: true, failures: 0n });
    expect(record!.probes).toBeGreaterThanOrEqual(1n);
    expect(statusAsked.has(live.node.toText())).toBe(true);
    for (const node of junk) {
      expect(await bridge.probes_of(node)).toEqual([]);
      expect(statusAsked.has(node.toText())).toBe(false);
    }
  });

  it('names probe targets to the bridge only', async () => {
    t.e.marketplace.setPrincipal(randomUser());
    expect(await t.e.marketplace.probe_targets()).toEqual({ Err: { Unauthorized: 'only the bridge may call this' } });
  });
});
