// What the newer endpoints refuse: /api/v4/.../call, /api/v3/.../query and /api/v3/.../read_state refuse a bad
// envelope with the same status and message as their v2 forms; bodies over the replica's limits get 413 (a call's
// signed envelope over 2 MiB, any body over 5 MiB); v3 read_state follows the spec's path rules for /canister_ranges
// and /request_status at the subnet endpoint; and /api/v4/subnet/<id>/call takes canister creation only, its status
// read at /api/v3/subnet/<id>/read_state.
import { Certificate, lookupResultToBuffer, lookup_subtree } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Probe, setupProbe } from '../localnet/probe.js';
import {
  type Answer,
  callContent,
  type Content,
  expiryIn,
  post,
  queryContent,
  readStateContent,
  requestId,
  type Served,
  serve,
  sign,
} from './fixture.js';

const MiB = 1024 * 1024;

describe('refusals at the v3 and v4 endpoints', () => {
  let served: Served;
  let probe: Probe;
  let subnet: Principal;
  const alice = Ed25519KeyIdentity.generate();
  const bob = Ed25519KeyIdentity.generate();
  const at = (version: string, endpoint: string, id: Principal = probe.canisterId) => `/api/${version}/canister/${id.toText()}/${endpoint}`;
  const atSubnet = (version: string, endpoint: string, id: Principal = subnet) => `/api/${version}/subnet/${id.toText()}/${endpoint}`;

  /** Posts one signed envelope to each path and returns the answers' statuses and messages. */
  async function everywhere(paths: string[], content: Content): Promise<{ status: number; text: string }[]> {
    const envelope = await sign(alice, content);
    const answers: Answer[] = [];
    for (const path of paths) answers.push(await post(served.url, path, envelope));
    // The network's clock follows the wall clock, so the "now" an expiry refusal quotes moves between the posts.
    return answers.map(({ status, text }) => ({ status, text: text.replace(/\(now \d+\)/, '(now …)') }));
  }

  beforeAll(async () => {
    served = await serve();
    probe = await setupProbe(served.network);
    subnet = served.gateway.subnetId;
  });
  afterAll(() => served.close());

  it('refuses a bad call envelope at v4 exactly as at v2 and v3', async () => {
    const calls = ['v2', 'v3', 'v4'].map((v) => at(v, 'call'));
    const cases: Content[] = [
      // Expired, signed by someone else than the sender, a query at the call endpoint, another canister in the URL.
      callContent(alice.getPrincipal(), probe.canisterId, 'increment', { expiry: expiryIn(-60) }),
      callContent(bob.getPrincipal(), probe.canisterId, 'increment'),
      { ...callContent(alice.getPrincipal(), probe.canisterId, 'increment'), request_type: 'query' },
      callContent(alice.getPrincipal(), Principal.fromText('aaaaa-aa'), 'canister_status'),
    ];
    for (const content of cases) {
      const answers = await everywhere(calls, content);
      expect(answers[0].status).toBe(400);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    }
    // Bytes that are no request envelope.
    for (const path of calls) {
      const garbage = await post(served.url, path, new Uint8Array([1, 2, 3]));
      expect(garbage.status).toBe(400);
      expect(garbage.text).toMatch(/envelope/);
    }
  });

  it('refuses a bad query envelope at v3 exactly as at v2', async () => {
    const queries = [at('v2', 'query'), at('v3', 'query')];
    const cases: Content[] = [
      { ...queryContent(alice.getPrincipal(), probe.canisterId, 'get'), ingress_expiry: expiryIn(60 * 60) },
      queryContent(bob.getPrincipal(), probe.canisterId, 'get'),
      callContent(alice.getPrincipal(), probe.canisterId, 'get'),
    ];
    for (const content of cases) {
      const [v2, v3] = await everywhere(queries, content);
      expect(v2.status).toBe(400);
      expect(v3).toEqual(v2);
    }
    const tampered = await sign(alice, queryContent(alice.getPrincipal(), probe.canisterId, 'get'));
    const sig = Uint8Array.from(tampered.sender_sig!);
    sig[3] ^= 1;
    const answer = await post(served.url, at('v3', 'query'), { ...tampered, sender_sig: sig });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/invalid signature/i);
  });

  it('refuses a call whose signed envelope exceeds 2 MiB with 413, at every call endpoint, and takes one just under', async () => {
    const big = (bytes: number) => new Uint8Array(IDL.encode([IDL.Text], ['x'.repeat(bytes)]));
    for (const version of ['v2', 'v3', 'v4']) {
      const content = callContent(alice.getPrincipal(), probe.canisterId, 'lookup', { arg: big(2 * MiB) });
      const answer = await post(served.url, at(version, 'call'), await sign(alice, content));
      expect(answer.status).toBe(413);
      expect(answer.text).toContain(`Request 0x${Buffer.from(requestId(content)).toString('hex')} is too large`);
      expect(answer.text).toContain('larger than the max allowed 2097152');
    }
    // An argument of 2 MiB less a little room for the envelope is taken, here by a method the canister lacks (a
    // certified reject, without making the canister decode 2 MiB of Candid).
    const fits = callContent(alice.getPrincipal(), probe.canisterId, 'no_such_method', { arg: big(2 * MiB - 1024) });
    const answer = await post(served.url, at('v4', 'call'), await sign(alice, fits));
    expect(answer.status).toBe(200);
    expect(answer.body?.status).toBe('replied');
    expect(answer.body?.certificate).toBeInstanceOf(Uint8Array);
  });

  it('refuses any body over 5 MiB with 413, having read it to the end', async () => {
    for (const path of [at('v3', 'query'), at('v3', 'read_state'), atSubnet('v3', 'read_state'), at('v4', 'call')]) {
      const answer = await post(served.url, path, new Uint8Array(5 * MiB + 1));
      expect(answer.status).toBe(413);
      expect(answer.text).toContain('larger than the max allowed 5242880 bytes');
    }
  });

  it('serves /canister_ranges/<subnet> at the subnet endpoints only, for one subnet at a time', async () => {
    const ranges = [['canister_ranges', subnet.toUint8Array()]];
    const atCanister = await post(served.url, at('v3', 'read_state'), await sign(alice, readStateContent(alice.getPrincipal(), ranges)));
    expect(atCanister.status).toBe(404);
    expect(atCanister.text).toMatch(/canister_ranges/);

    const answer = await post(served.url, atSubnet('v3', 'read_state'), await sign(alice, readStateContent(alice.getPrincipal(), ranges)));
    expect(answer.status).toBe(200);
    const certificate = await Certificate.create({
      certificate: Uint8Array.from(answer.body!.certificate as Uint8Array),
      rootKey: served.network.certifier.derPublicKey,
      canisterId: probe.canisterId,
    });
    // One shard, labeled by the first canister id of its first range.
    const shards = lookup_subtree(['canister_ranges', subnet.toUint8Array()], certificate.cert.tree);
    expect(shards.status).toBe('Found');
    const flatPath = ['subnet', subnet.toUint8Array(), 'canister_ranges'];
    expect(certificate.lookup_path(flatPath).status).not.toBe('Found'); // not asked for, so not revealed

    const two = [...ranges, ['canister_ranges', Principal.fromText('aaaaa-aa').toUint8Array()]];
    const mixed = await post(served.url, atSubnet('v3', 'read_state'), await sign(alice, readStateContent(alice.getPrincipal(), two)));
    expect(mixed.status).toBe(400);
    expect(mixed.text).toMatch(/same subnet/);

    const elsewhere = await post(
      served.url,
      atSubnet('v3', 'read_state', Principal.fromText('aaaaa-aa')),
      await sign(alice, readStateContent(alice.getPrincipal(), [['time']])),
    );
    expect(elsewhere.status).toBe(404);
  });

  it('creates a canister through /api/v4/subnet/<id>/call and shows its status at /api/v3/subnet/<id>/read_state only', async () => {
    const arg = new Uint8Array(
      IDL.encode(
        [IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(IDL.Null), specified_id: IDL.Opt(IDL.Principal) })],
        [{ amount: [], settings: [], specified_id: [] }],
      ),
    );
    const content = callContent(alice.getPrincipal(), Principal.fromText('aaaaa-aa'), 'provisional_create_canister_with_cycles', { arg });
    const created = await post(served.url, atSubnet('v4', 'call'), await sign(alice, content));
    expect(created.status).toBe(200);
    expect(created.body?.status).toBe('replied');
    const certificate = await Certificate.create({
      certificate: Uint8Array.from(created.body!.certificate as Uint8Array),
      rootKey: served.network.certifier.derPublicKey,
      canisterId: probe.canisterId,
    });
    const id = requestId(content);
    expect(new TextDecoder().decode(lookupResultToBuffer(certificate.lookup_path(['request_status', id, 'status'])))).toBe('replied');
    const [{ canister_id }] = IDL.decode(
      [IDL.Record({ canister_id: IDL.Principal })],
      Uint8Array.from(lookupResultToBuffer(certificate.lookup_path(['request_status', id, 'reply']))!),
    ) as unknown as [{ canister_id: Principal }];
    expect(await served.network.getControllers(canister_id)).toEqual([alice.getPrincipal()]);

    const status = () => readStateContent(alice.getPrincipal(), [['request_status', id]]);
    expect((await post(served.url, atSubnet('v3', 'read_state'), await sign(alice, status()))).status).toBe(200);
    // Not at the v2 subnet endpoint, not by another sender, not at a canister endpoint (another effective id).
    expect((await post(served.url, atSubnet('v2', 'read_state'), await sign(alice, status()))).status).toBe(400);
    const other = await post(
      served.url,
      atSubnet('v3', 'read_state'),
      await sign(bob, readStateContent(bob.getPrincipal(), [['request_status', id]])),
    );
    expect(other.status).toBe(403);
    expect((await post(served.url, at('v3', 'read_state'), await sign(alice, status()))).status).toBe(403);
  });

  it('takes nothing but canister creation at /api/v4/subnet/<id>/call, and only for its own subnet', async () => {
    const update = await post(
      served.url,
      atSubnet('v4', 'call'),
      await sign(alice, callContent(alice.getPrincipal(), probe.canisterId, 'increment')),
    );
    expect(update.status).toBe(400);
    expect(update.text).toMatch(/only takes canister creation/);
    const elsewhere = await post(
      served.url,
      atSubnet('v4', 'call', Principal.fromText('aaaaa-aa')),
      await sign(alice, callContent(alice.getPrincipal(), Principal.fromText('aaaaa-aa'), 'provisional_create_canister_with_cycles')),
    );
    expect(elsewhere.status).toBe(404);
  });
});
