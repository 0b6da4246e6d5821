// What the gateway refuses, and how: hand-built, signed CBOR envelopes sent with fetch, each
// refused with a 4xx status and a message that says why (spec: "Authentication", "Effective
// canister id", "Request: Read state"), and replays, which run a call at most once.
import { AgentError, Cbor, Certificate, HttpAgent, lookupResultToBuffer, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { canisterIdFromIndex } from '../../../src/localnet/ids.js';
import { type Probe, setupProbe } from '../localnet/probe.js';
import {
  agentFor,
  agentReject,
  callContent as call,
  expiryIn,
  post,
  probeActor,
  queryContent as query,
  readStateContent as readState,
  requestId,
  type Served,
  serve,
  sign,
  type SignedEnvelope,
} from './fixture.js';

const HOUR = 60 * 60 * 1000;

const v2call = (id: Principal) => `/api/v2/canister/${id.toText()}/call`;
const v3call = (id: Principal) => `/api/v3/canister/${id.toText()}/call`;
const queryPath = (id: Principal) => `/api/v2/canister/${id.toText()}/query`;
const readStatePath = (id: Principal) => `/api/v2/canister/${id.toText()}/read_state`;

/** The certified request status in a v3 answer or a read_state answer. */
async function certifiedStatus(served: Served, canisterId: Principal, id: Uint8Array, certificate: unknown) {
  const cert = await Certificate.create({
    certificate: Uint8Array.from(certificate as Uint8Array),
    rootKey: served.network.certifier.derPublicKey,
    canisterId,
  });
  const read = (field: string) => lookupResultToBuffer(cert.lookup_path(['request_status', id, field]));
  const status = read('status');
  return {
    status: status && new TextDecoder().decode(status),
    reply: read('reply'),
    rejectCode: read('reject_code')?.[0],
    errorCode: read('error_code') && new TextDecoder().decode(read('error_code')),
  };
}

describe('refusals and replays at the HTTP interface', () => {
  let served: Served;
  let probe: Probe;
  let other: Probe;
  const alice = Ed25519KeyIdentity.generate();
  const bob = Ed25519KeyIdentity.generate();

  beforeAll(async () => {
    served = await serve();
    probe = await setupProbe(served.network);
    other = await setupProbe(served.network);
  });
  afterAll(() => served.close());

  it('accepts a well-formed signed call (the baseline the refusals below alter)', async () => {
    const envelope = await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'increment'));
    const answer = await post(served.url, v3call(probe.canisterId), envelope);
    expect(answer.status).toBe(200);
    expect(answer.body?.status).toBe('replied');
  });

  it('refuses a tampered signature with 400', async () => {
    for (const [content, path] of [
      [call(alice.getPrincipal(), probe.canisterId, 'increment'), v2call(probe.canisterId)],
      [query(alice.getPrincipal(), probe.canisterId, 'get'), queryPath(probe.canisterId)],
    ] as const) {
      const envelope = await sign(alice, content);
      const sig = Uint8Array.from(envelope.sender_sig!);
      sig[10] ^= 0x01;
      const answer = await post(served.url, path, { ...envelope, sender_sig: sig });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/invalid signature/i);
    }
  });

  it('refuses a tampered content (the signature no longer covers it) with 400', async () => {
    const envelope = await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'increment'));
    const answer = await post(served.url, v2call(probe.canisterId), {
      ...envelope,
      content: { ...envelope.content, method_name: 'trap_with' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/invalid signature/i);
  });

  it('refuses a sender that does not match its public key with 400', async () => {
    // Alice signs a request that claims to come from Bob.
    const envelope = await sign(alice, call(bob.getPrincipal(), probe.canisterId, 'increment'));
    const answer = await post(served.url, v2call(probe.canisterId), envelope);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(`sender ${bob.getPrincipal().toText()} does not match the public key`);
  });

  it('refuses an unsigned request from a non-anonymous sender, and a signed one claiming to be anonymous', async () => {
    const unsigned = await post(served.url, v2call(probe.canisterId), {
      content: call(alice.getPrincipal(), probe.canisterId, 'increment'),
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.text).toMatch(/not signed/);
    const signedAnonymous = await sign(alice, call(Principal.anonymous(), probe.canisterId, 'increment'));
    const answer = await post(served.url, v2call(probe.canisterId), signedAnonymous);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/anonymous/);
  });

  it('refuses an expired request and one expiring too far in the future with 400', async () => {
    const expired = await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'increment', { expiry: expiryIn(-60) }));
    const past = await post(served.url, v2call(probe.canisterId), expired);
    expect(past.status).toBe(400);
    expect(past.text).toMatch(/^Invalid request expiry: .* in the past/);

    const distant = await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'increment', { expiry: expiryIn(60 * 60) }));
    const future = await post(served.url, v2call(probe.canisterId), distant);
    expect(future.status).toBe(400);
    expect(future.text).toMatch(/^Invalid request expiry: .* ahead/);

    const expiredQuery = await sign(alice, { ...query(alice.getPrincipal(), probe.canisterId, 'get'), ingress_expiry: expiryIn(-60) });
    expect((await post(served.url, queryPath(probe.canisterId), expiredQuery)).status).toBe(400);
  });

  it('refuses a delegation whose targets exclude the canister with 400, and the agent throws', async () => {
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(alice, session.getPublicKey(), new Date(Date.now() + HOUR), { targets: [other.canisterId] });
    const delegated = DelegationIdentity.fromDelegation(session, chain);

    for (const [content, path] of [
      [call(alice.getPrincipal(), probe.canisterId, 'increment'), v2call(probe.canisterId)],
      [call(alice.getPrincipal(), probe.canisterId, 'increment'), v3call(probe.canisterId)],
      [query(alice.getPrincipal(), probe.canisterId, 'get'), queryPath(probe.canisterId)],
    ] as const) {
      const answer = await post(served.url, path, await sign(delegated, content));
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(`Request targets canister ${probe.canisterId.toText()}, which the sender's delegation does not allow`);
    }
    // The allowed target works with the same identity.
    const allowed = await post(
      served.url,
      v3call(other.canisterId),
      await sign(delegated, call(alice.getPrincipal(), other.canisterId, 'whoami')),
    );
    expect(allowed.status).toBe(200);

    // The stock agent retries 4xx answers (three times by default, with backoff); the outcome is the same without.
    const agent = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true, identity: delegated, retryTimes: 0 });
    const before = await probe.actor.get();
    const refused = probeActor(agent, probe.canisterId).increment();
    await expect(refused).rejects.toBeInstanceOf(AgentError);
    await expect(refused).rejects.toThrow(/400/);
    await expect(probeActor(agent, probe.canisterId).get()).rejects.toThrow(/delegation does not allow/);
    expect(await probe.actor.get()).toBe(before);
    expect((await probeActor(agent, other.canisterId).whoami()).toText()).toBe(alice.getPrincipal().toText());
  });

  it("refuses to show a request's status through a delegation that excludes its canister, with 403", async () => {
    // Alice herself calls `other`; a session key delegated by Alice for `probe` only may not read that call's status.
    const content = call(alice.getPrincipal(), other.canisterId, 'increment');
    expect((await post(served.url, v2call(other.canisterId), await sign(alice, content))).status).toBe(202);
    const id = requestId(content);
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(alice, session.getPublicKey(), new Date(Date.now() + HOUR), { targets: [probe.canisterId] });
    const delegated = DelegationIdentity.fromDelegation(session, chain);
    const paths = [['request_status', id]];
    const refused = await post(served.url, readStatePath(other.canisterId), await sign(delegated, readState(alice.getPrincipal(), paths)));
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/delegation does not allow/);
    const own = await post(served.url, readStatePath(other.canisterId), await sign(alice, readState(alice.getPrincipal(), paths)));
    expect(own.status).toBe(200);
  });

  it('refuses an expired delegation with 400', async () => {
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(alice, session.getPublicKey(), new Date(Date.now() - 60_000));
    const delegated = DelegationIdentity.fromDelegation(session, chain);
    const answer = await post(
      served.url,
      v2call(probe.canisterId),
      await sign(delegated, call(alice.getPrincipal(), probe.canisterId, 'increment')),
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/delegation 0 expired/);
  });

  it('refuses a delegation signed by a key other than the sender’s with 400', async () => {
    // Bob signs a delegation but the envelope claims Alice's key as sender_pubkey.
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(bob, session.getPublicKey(), new Date(Date.now() + HOUR));
    const envelope = await sign(
      DelegationIdentity.fromDelegation(session, chain),
      call(alice.getPrincipal(), probe.canisterId, 'increment'),
    );
    const forged: SignedEnvelope = { ...envelope, sender_pubkey: alice.getPublicKey().toDer() };
    const answer = await post(served.url, v2call(probe.canisterId), forged);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/invalid signature on delegation 0/);
  });

  it('runs a replayed v2 call once: the second submission is accepted (202) and changes nothing', async () => {
    const agent = await agentFor(served.url, alice);
    const before = await probe.actor.get();
    const content = call(alice.getPrincipal(), probe.canisterId, 'increment');
    const envelope = await sign(alice, content);
    expect((await post(served.url, v2call(probe.canisterId), envelope)).status).toBe(202);
    expect((await post(served.url, v2call(probe.canisterId), envelope)).status).toBe(202);
    const { reply } = await pollForResponse(agent, probe.canisterId, requestId(content));
    expect(IDL.decode([IDL.Nat], Uint8Array.from(reply))).toEqual([before + 1n]);
    // Resubmitting after the call completed is just as harmless.
    expect((await post(served.url, v2call(probe.canisterId), envelope)).status).toBe(202);
    const again = await pollForResponse(agent, probe.canisterId, requestId(content));
    expect(IDL.decode([IDL.Nat], Uint8Array.from(again.reply))).toEqual([before + 1n]);
    expect(await probe.actor.get()).toBe(before + 1n);
  });

  it('answers a replayed v3 call with the same certified result, without running it again', async () => {
    const before = await probe.actor.get();
    const content = call(alice.getPrincipal(), probe.canisterId, 'increment');
    const envelope = await sign(alice, content);
    const first = await post(served.url, v3call(probe.canisterId), envelope);
    const second = await post(served.url, v3call(probe.canisterId), envelope);
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      const status = await certifiedStatus(served, probe.canisterId, requestId(content), answer.body!.certificate);
      expect(status.status).toBe('replied');
      expect(IDL.decode([IDL.Nat], Uint8Array.from(status.reply!))).toEqual([before + 1n]);
    }
    expect(await probe.actor.get()).toBe(before + 1n);
  });

  it('certifies a call to a nonexistent canister inside the subnet range as rejected, code 3 (IC0301)', async () => {
    const missing = canisterIdFromIndex(0xff000n);
    const content = call(alice.getPrincipal(), missing, 'increment');
    const answer = await post(served.url, v3call(missing), await sign(alice, content));
    expect(answer.status).toBe(200);
    const status = await certifiedStatus(served, missing, requestId(content), answer.body!.certificate);
    expect(status).toMatchObject({ status: 'rejected', rejectCode: 3, errorCode: 'IC0301' });

    const agent = await agentFor(served.url, alice);
    const rejected = await agentReject(probeActor(agent, missing).increment());
    expect(rejected).toMatchObject({ code: 3, errorCode: 'IC0301', certified: true });
    expect(rejected.message).toContain(missing.toText());
  });

  it('refuses a canister id outside the subnet range (a self-authenticating principal) with 400', async () => {
    const outside = bob.getPrincipal();
    const answer = await post(served.url, v2call(outside), await sign(alice, call(alice.getPrincipal(), outside, 'increment')));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(`Canister ${outside.toText()} does not belong to this subnet's canister ranges`);
    const asQuery = await post(served.url, queryPath(outside), await sign(alice, query(alice.getPrincipal(), outside, 'get')));
    expect(asQuery.status).toBe(400);
  });

  it('refuses an effective canister id in the URL that differs from the content canister_id with 400', async () => {
    const envelope = await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'increment'));
    for (const path of [v2call(other.canisterId), v3call(other.canisterId)]) {
      const answer = await post(served.url, path, envelope);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(`Specified CanisterId ${other.canisterId.toText()} does not match effective canister id in URL`);
    }
    const asQuery = await post(
      served.url,
      queryPath(other.canisterId),
      await sign(alice, query(alice.getPrincipal(), probe.canisterId, 'get')),
    );
    expect(asQuery.status).toBe(400);
  });

  it("refuses to read another sender's request status with 403", async () => {
    const content = call(alice.getPrincipal(), probe.canisterId, 'increment');
    expect((await post(served.url, v2call(probe.canisterId), await sign(alice, content))).status).toBe(202);
    const paths = [['request_status', requestId(content)]];

    const snooping = await post(served.url, readStatePath(probe.canisterId), await sign(bob, readState(bob.getPrincipal(), paths)));
    expect(snooping.status).toBe(403);
    expect(snooping.text).toMatch(/signed by the caller/);
    const anonymous = await post(served.url, readStatePath(probe.canisterId), { content: readState(Principal.anonymous(), paths) });
    expect(anonymous.status).toBe(403);
    // Nor through another canister's endpoint, even by the sender.
    const elsewhere = await post(served.url, readStatePath(other.canisterId), await sign(alice, readState(alice.getPrincipal(), paths)));
    expect(elsewhere.status).toBe(403);

    const own = await post(served.url, readStatePath(probe.canisterId), await sign(alice, readState(alice.getPrincipal(), paths)));
    expect(own.status).toBe(200);
    expect(own.body?.certificate).toBeInstanceOf(Uint8Array);
  });

  it("refuses to read another canister's module hash or controllers at this canister's endpoint with 403", async () => {
    const paths = [['canister', other.canisterId.toUint8Array(), 'module_hash']];
    const answer = await post(served.url, readStatePath(probe.canisterId), await sign(alice, readState(alice.getPrincipal(), paths)));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(probe.canisterId.toText());
  });

  it('refuses malformed CBOR and bodies that are not request envelopes with 400', async () => {
    // A self-describing tag, then a map of one entry whose key is cut short.
    const truncated = await post(served.url, v2call(probe.canisterId), new Uint8Array([0xd9, 0xd9, 0xf7, 0xa1, 0x67, 0x63]));
    expect(truncated.status).toBe(400);
    expect(truncated.text).toMatch(/^Could not parse body as a CBOR request envelope/);
    const garbage = await post(served.url, queryPath(probe.canisterId), new Uint8Array([0x1c, 0x00, 0x13, 0x37]));
    expect(garbage.status).toBe(400);
    expect(garbage.text).toMatch(/CBOR/);
    const notEnvelope = await post(served.url, v2call(probe.canisterId), Cbor.encode({ hello: 'world' }));
    expect(notEnvelope.status).toBe(400);
    expect(notEnvelope.text).toMatch(/envelope/);
    const wrongType = await post(
      served.url,
      queryPath(probe.canisterId),
      await sign(alice, call(alice.getPrincipal(), probe.canisterId, 'get')),
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.text).toContain('request_type must be "query"');
  });

  it('answers unknown endpoints with 404', async () => {
    for (const path of [
      '/api/v2/nothing',
      '/api/v5/canister/aaaaa-aa/call',
      `/api/v4/canister/${probe.canisterId.toText()}/query`,
      `/api/v3/subnet/${probe.canisterId.toText()}/call`,
      `/api/v2/canister/${probe.canisterId.toText()}/frobnicate`,
      '/',
    ]) {
      const response = await fetch(new URL(path, served.url), { method: 'POST', body: new Uint8Array(0) });
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/no such endpoint/);
    }
    const get = await fetch(new URL('/api/v3/status', served.url));
    expect(get.status).toBe(404);
  });
});
