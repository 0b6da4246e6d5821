// Today's agent, @icp-sdk/core 6, against the gateway with its default checks (query signatures
// verified against node keys read from /api/v3/.../read_state, the root key fetched for a local
// network): updates through the synchronous /api/v4/.../call (and its 202 fallback to polling),
// queries through /api/v3/.../query, certified reads of canister and subnet state through
// /api/v3/{canister,subnet}/<id>/read_state (including the sharded /canister_ranges/<subnet_id>),
// and the project's @dfinity/agent 3 against the same network at the same time.
import { HttpAgent as AgentV3 } from '@dfinity/agent';
import { Ed25519KeyIdentity as IdentityV3 } from '@dfinity/identity';
import { Principal as PrincipalV3 } from '@dfinity/principal';
import {
  Actor,
  type ActorSubclass,
  CertifiedRejectErrorCode,
  HttpAgent,
  lookupCanisterRanges,
  decodeCanisterRanges,
  RejectError,
  StatePaths,
} from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Probe, PROBE_WASM, type ProbeService, idlFactory, setupProbe } from '../localnet/probe.js';
import { agentFor, probeActor, type Served, serve } from './fixture.js';

/** Every request an agent made, as `METHOD /path -> status`. */
type Traffic = string[];

/** A fetch that records the endpoints an agent uses. */
function recording(traffic: Traffic): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input.toString());
    traffic.push(
      `${init?.method ?? 'GET'} ${url.pathname.replace(/\/api\/(v\d)\/(canister|subnet)\/[^/]+\//, '/api/$1/$2/<id>/')} -> ${response.status}`,
    );
    return response;
  };
}

function probeV6(agent: HttpAgent, canisterId: Principal): ActorSubclass<ProbeService> {
  // probe.ts's factory builds its types from the IDL it is handed, here @icp-sdk/core's.
  return Actor.createActor<ProbeService>(idlFactory as unknown as Parameters<typeof Actor.createActor>[0], { agent, canisterId });
}

describe('@icp-sdk/core 6 through the v4 call, v3 query and v3 read_state endpoints', () => {
  let served: Served;
  let probe: Probe;
  /** The probe's id as @icp-sdk/core's own Principal class. */
  let canisterId: Principal;
  let agent: HttpAgent;
  const traffic: Traffic = [];
  const user = Ed25519KeyIdentity.generate();
  const controller = Ed25519KeyIdentity.generate();
  // An HTTPS outcall target that answers only when told to, to hold an update past the sync timeout.
  let slow: Server;
  let slowUrl: string;
  let release: () => void = () => {};

  beforeAll(async () => {
    served = await serve({ syncCallTimeoutMs: 1_000 });
    const owner = PrincipalV3.fromText(controller.getPrincipal().toText());
    probe = await setupProbe(served.network, { sender: owner, controllers: [owner] });
    canisterId = Principal.fromText(probe.canisterId.toText());
    agent = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true, identity: user, fetch: recording(traffic) });
    slow = createServer((_request, response) => {
      release = () => response.end('finally');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`;
  });
  afterAll(async () => {
    if (slow) {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
    await served?.close();
  });

  it('fetched the root key from /api/v2/status', () => {
    expect(Uint8Array.from(agent.rootKey!)).toEqual(served.network.certifier.derPublicKey);
  });

  it('answers updates on /api/v4/.../call with a certificate, and queries on /api/v3/.../query with verified node signatures', async () => {
    const actor = probeV6(agent, canisterId);
    traffic.length = 0;
    const before = await actor.get();
    expect(await actor.increment()).toBe(before + 1n);
    expect(await actor.get()).toBe(before + 1n);
    expect((await actor.whoami()).toText()).toBe(user.getPrincipal().toText());
    await actor.put('colour', 'teal');
    expect(await actor.lookup('colour')).toEqual(['teal']);
    expect(traffic).toContain('POST /api/v4/canister/<id>/call -> 200');
    expect(traffic).toContain('POST /api/v3/canister/<id>/query -> 200');
    // The node keys for query signatures came from a v3 read_state of /subnet.
    expect(traffic).toContain('POST /api/v3/canister/<id>/read_state -> 200');
    // No fallback: nothing went to the v2 endpoints.
    expect(traffic.filter((line) => line.includes('/api/v2/canister'))).toEqual([]);
  });

  it('certifies a canister reject in the v4 answer', async () => {
    const actor = probeV6(agent, canisterId);
    const error = await actor.trap_with('out of patience').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RejectError);
    const code = (error as RejectError).cause.code;
    expect(code).toBeInstanceOf(CertifiedRejectErrorCode);
    expect(code).toMatchObject({ rejectCode: 5, rejectErrorCode: 'IC0503' });
  });

  it('answers 202 when a v4 call outlasts the sync timeout, and the agent polls v3 read_state for the result', async () => {
    const actor = probeV6(agent, canisterId);
    traffic.length = 0;
    const pending = actor.fetch(slowUrl, false, [1_000n]);
    // The outcall is waiting on the slow server; the gateway gives up waiting after 1 s.
    for (let waited = 0; waited < 5_000 && !traffic.some((line) => line.startsWith('POST /api/v4')); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(traffic).toContain('POST /api/v4/canister/<id>/call -> 202');
    release();
    expect(await pending).toEqual({ Ok: { status: 200n, body: 'finally' } });
    expect(traffic).toContain('POST /api/v3/canister/<id>/read_state -> 200');
  });

  it('reads module_hash and controllers through v3 canister read_state', async () => {
    const wasm = await readFile(PROBE_WASM);
    // Values are keyed by the KnownPath instance asked for; read them back through the same instances.
    const moduleHash = StatePaths.canisterModuleHash(canisterId);
    const controllers = StatePaths.canisterControllers(canisterId);
    const read = await agent.readState({ canisterId }, { paths: [moduleHash, controllers, StatePaths.time] });
    expect(Buffer.from(read.values.get(moduleHash)!).toString('hex')).toBe(Buffer.from(sha256(wasm)).toString('hex'));
    expect(read.values.get(controllers)!.map((p) => p.toText())).toEqual([controller.getPrincipal().toText()]);
    expect(Math.abs(read.values.get(StatePaths.time)!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('serves the subnet state at v3 subnet read_state: public key, node keys and the sharded canister ranges', async () => {
    const subnetId = Principal.fromText(served.gateway.subnetId.toText());
    const ranges = StatePaths.subnetCanisterRanges(subnetId);
    const publicKey = StatePaths.subnetPublicKey(subnetId);
    traffic.length = 0;
    const { values, verifiedCertificate } = await agent.readState(
      { subnetId },
      { paths: [ranges, publicKey, [new TextEncoder().encode('canister_ranges'), subnetId.toUint8Array()]] },
    );
    expect(traffic).toEqual(['POST /api/v3/subnet/<id>/read_state -> 200']);
    expect(Uint8Array.from(values.get(publicKey)!)).toEqual(served.network.certifier.derPublicKey);
    const flat = values.get(ranges)!;
    expect(flat).toHaveLength(1);
    // The shard the v4 clients read agrees with the flat form and holds the probe.
    const tree = verifiedCertificate.cert.tree;
    const sharded = decodeCanisterRanges(lookupCanisterRanges({ subnetId, tree, canisterId }));
    expect(sharded.map(([a, b]) => [a.toText(), b.toText()])).toEqual(flat.map(([a, b]) => [a.toText(), b.toText()]));
    expect(sharded[0][0].ltEq(canisterId) && sharded[0][1].gtEq(canisterId)).toBe(true);
  });

  it('leaves the project’s @dfinity/agent 3 working against the same network (v3 call, v2 query and read_state)', async () => {
    const old = IdentityV3.generate();
    const oldAgent: AgentV3 = await agentFor(served.url, old);
    const actor = probeActor(oldAgent, probe.canisterId);
    const before = await actor.get();
    expect(await actor.increment()).toBe(before + 1n);
    expect((await actor.whoami()).toText()).toBe(old.getPrincipal().toText());
    // And both agents see the same canister state.
    expect(await probeV6(agent, canisterId).get()).toBe(before + 1n);
    const arg = new Uint8Array(IDL.encode([], []));
    const { response } = await oldAgent.call(probe.canisterId, { methodName: 'increment', arg, callSync: false });
    expect(response.status).toBe(202);
  });
});
