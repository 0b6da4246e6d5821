// The stock @dfinity/agent against the gateway, with default settings and the root key fetched
// from /api/v2/status: queries (node signatures verified), updates through the synchronous v3
// endpoint and through the asynchronous v2 endpoint plus read_state polling (certificates
// verified), rejects that carry the replica's reject code, and canister status read_state.
import { Actor, CanisterStatus, Cbor, Certificate, HttpAgent, lookupResultToBuffer, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Probe, PROBE_WASM, setupProbe } from '../localnet/probe.js';
import { agentFor, agentReject, probeActor, type Served, serve } from './fixture.js';

describe('the HTTP interface, through the stock agent', () => {
  let served: Served;
  let probe: Probe;
  let agent: HttpAgent;
  const controller = Ed25519KeyIdentity.generate();
  const coController = Ed25519KeyIdentity.generate().getPrincipal();
  const user = Ed25519KeyIdentity.generate();

  beforeAll(async () => {
    served = await serve();
    probe = await setupProbe(served.network, {
      sender: controller.getPrincipal(),
      controllers: [controller.getPrincipal(), coController],
    });
    agent = await agentFor(served.url, user);
  });
  afterAll(() => served.close());

  it('serves /api/v2/status with the network root key, which the agent fetches', async () => {
    const response = await fetch(new URL('/api/v2/status', served.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/cbor');
    const status = Cbor.decode<{ root_key: Uint8Array }>(new Uint8Array(await response.arrayBuffer()));
    expect(Uint8Array.from(status.root_key)).toEqual(served.network.certifier.derPublicKey);
    expect(Uint8Array.from(agent.rootKey!)).toEqual(served.network.certifier.derPublicKey);
  });

  it('answers queries and updates with exact values', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const before = await actor.get();
    expect(await actor.increment()).toBe(before + 1n);
    expect(await actor.increment()).toBe(before + 2n);
    expect(await actor.get()).toBe(before + 2n);
    expect((await actor.whoami()).toText()).toBe(user.getPrincipal().toText());
    expect((await actor.self_id()).toText()).toBe(probe.canisterId.toText());
    await actor.put('color', 'teal');
    expect(await actor.lookup('color')).toEqual(['teal']);
    expect(await actor.lookup('size')).toEqual([]);
    // Queries run non-replicated; updates do not.
    expect(await actor.replicated()).toBe(false);
  });

  it('answers an update on the v3 endpoint with a certificate the agent verifies', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const before = await actor.get();
    const arg = new Uint8Array(IDL.encode([], []));
    const { requestId, response } = await agent.call(probe.canisterId, { methodName: 'increment', arg });
    expect(response.status).toBe(200);
    const body = response.body as { status: string; certificate: Uint8Array };
    expect(body.status).toBe('replied');
    // The same certificate the actor verifies: request_status/<id>/reply holds the candid reply.
    const certificate = await Certificate.create({
      certificate: Uint8Array.from(body.certificate),
      rootKey: agent.rootKey!,
      canisterId: probe.canisterId,
    });
    const status = lookupResultToBuffer(certificate.lookup_path(['request_status', requestId, 'status']));
    expect(new TextDecoder().decode(status)).toBe('replied');
    const reply = lookupResultToBuffer(certificate.lookup_path(['request_status', requestId, 'reply']))!;
    expect(IDL.decode([IDL.Nat], Uint8Array.from(reply))).toEqual([before + 1n]);
    // The actor's own path verifies the same way and agrees.
    expect(await actor.increment()).toBe(before + 2n);
  });

  it('takes an update on the v2 endpoint (202) and answers the agent polling read_state', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const before = await actor.get();
    const arg = new Uint8Array(IDL.encode([], []));
    const { requestId, response } = await agent.call(probe.canisterId, { methodName: 'increment', arg, callSync: false });
    expect(response.status).toBe(202);
    const { reply, certificate } = await pollForResponse(agent, probe.canisterId, requestId);
    expect(IDL.decode([IDL.Nat], Uint8Array.from(reply))).toEqual([before + 1n]);
    expect(certificate.lookup_path(['time']).status).toBe('Found');
    expect(await actor.get()).toBe(before + 1n);
  });

  it('delivers a canister reject to the agent with its code', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const rejected = await agentReject(actor.reject_with('no, thank you'));
    expect(rejected).toMatchObject({ code: 4, message: 'no, thank you', certified: true });
  });

  it('delivers a trap to the agent as CANISTER_ERROR (5), IC0503, with the message', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const trapped = await agentReject(actor.trap_with('out of patience'));
    expect(trapped).toMatchObject({ code: 5, errorCode: 'IC0503', certified: true });
    expect(trapped.message).toContain('out of patience');
  });

  it('refuses an update that canister_inspect_message does not accept at once, uncertified, on v3 and v2', async () => {
    const actor = probeActor(agent, probe.canisterId);
    const refused = await agentReject(actor.guarded('guess'));
    expect(refused).toMatchObject({ code: 4, errorCode: 'IC0406', certified: false });
    expect(refused.message).toContain('rejected the message');

    const arg = new Uint8Array(IDL.encode([IDL.Text], ['guess']));
    const { response } = await agent.call(probe.canisterId, { methodName: 'guarded', arg, callSync: false });
    expect(response.status).toBe(200);
    expect(await actor.guarded('let me in')).toBe('passed: let me in');
  });

  it('delivers a reject through v2 polling too', async () => {
    const arg = new Uint8Array(IDL.encode([IDL.Text], ['not now']));
    const { requestId, response } = await agent.call(probe.canisterId, { methodName: 'reject_with', arg, callSync: false });
    expect(response.status).toBe(202);
    const rejected = await agentReject(pollForResponse(agent, probe.canisterId, requestId));
    expect(rejected).toMatchObject({ code: 4, message: 'not now', certified: true });
  });

  it('delivers a query reject, signed by the node, with its code', async () => {
    // A query method that does not exist on the canister: CANISTER_ERROR (5), IC0536.
    const service = IDL.Service({ no_such_method: IDL.Func([], [IDL.Nat], ['query']) });
    const wrong = Actor.createActor<{ no_such_method(): Promise<bigint> }>(() => service, {
      agent,
      canisterId: probe.canisterId,
    });
    const rejected = await agentReject(wrong.no_such_method());
    expect(rejected).toMatchObject({ code: 5, errorCode: 'IC0536', certified: false });
  });

  it('certifies module_hash and controllers, as installed, to CanisterStatus', async () => {
    const status = await CanisterStatus.request({ canisterId: probe.canisterId, agent, paths: ['module_hash', 'controllers', 'time'] });
    const wasm = await readFile(PROBE_WASM);
    expect(status.get('module_hash')).toBe(Buffer.from(sha256(wasm)).toString('hex'));
    const controllers = (status.get('controllers') as Principal[]).map((p) => p.toText()).sort();
    expect(controllers).toEqual([controller.getPrincipal().toText(), coController.toText()].sort());
    const time = status.get('time') as Date;
    expect(Math.abs(time.getTime() - Date.now())).toBeLessThan(5 * 60_000);
  });

  it('works for the anonymous identity too', async () => {
    const anonymous = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true });
    const actor = probeActor(anonymous, probe.canisterId);
    expect((await actor.whoami()).toText()).toBe(Principal.anonymous().toText());
    const before = await actor.get();
    expect(await actor.increment()).toBe(before + 1n);
  });
});
