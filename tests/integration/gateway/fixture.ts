// What the gateway tests share: a local network (following the wall clock, as agents check
// certificate freshness and ingress expiry against it) behind the HTTP gateway, stock agents for
// any identity, hand-built request contents and signed envelopes for the refusal tests, and the
// reject a call ended with.
import {
  Actor,
  type ActorSubclass,
  AgentError,
  Cbor,
  CertifiedRejectErrorCode,
  HttpAgent,
  type Identity,
  type RequestId,
  requestIdOf,
  UncertifiedRejectErrorCode,
  UncertifiedRejectUpdateErrorCode,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';

import { Gateway, type GatewaySettings } from '../../../src/localnet/gateway/server.js';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type ProbeService } from '../localnet/probe.js';

export type Served = { network: LocalNetwork; gateway: Gateway; url: string; close(): Promise<void> };

/** A network that follows the wall clock, served over HTTP on a free port. */
export async function serve(settings?: GatewaySettings): Promise<Served> {
  const network = await LocalNetwork.create({ autoTime: true });
  const gateway = new Gateway(network, settings);
  const url = await gateway.listen({ port: 0 });
  return {
    network,
    gateway,
    url,
    async close() {
      await gateway.close();
      await network.stop();
    },
  };
}

/** The stock agent, as a dapp makes it for a local replica. */
export function agentFor(url: string, identity?: Identity): Promise<HttpAgent> {
  return HttpAgent.create({ host: url, shouldFetchRootKey: true, identity });
}

export function probeActor(agent: HttpAgent, canisterId: Principal): ActorSubclass<ProbeService> {
  return Actor.createActor<ProbeService>(idlFactory, { agent, canisterId });
}

/** The replica's reject code (and error code) that an agent call ended with. */
export async function agentReject(
  promise: Promise<unknown>,
): Promise<{ code: number; errorCode?: string; message: string; certified: boolean }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    const code = error.cause.code;
    if (
      code instanceof CertifiedRejectErrorCode ||
      code instanceof UncertifiedRejectErrorCode ||
      code instanceof UncertifiedRejectUpdateErrorCode
    ) {
      return { code: code.rejectCode, errorCode: code.rejectErrorCode, message: code.rejectMessage, certified: error.isCertified };
    }
    throw error;
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

/** ingress_expiry a number of seconds from now (wall clock, which the network follows). */
export function expiryIn(seconds: number): bigint {
  return (BigInt(Date.now()) + BigInt(Math.round(seconds * 1000))) * 1_000_000n;
}

export type Content = {
  request_type: 'call' | 'query' | 'read_state';
  sender: Principal;
  ingress_expiry: bigint;
  canister_id?: Principal;
  method_name?: string;
  arg?: Uint8Array;
  paths?: Uint8Array[][];
  nonce?: Uint8Array;
};

export type SignedEnvelope = {
  content: Content;
  sender_pubkey?: Uint8Array;
  sender_sig?: Uint8Array;
  sender_delegation?: unknown[];
};

const NO_ARG = new Uint8Array(IDL.encode([], []));

/** The content of a call, as an agent builds it (no argument, two minutes to expiry, a random nonce, unless given). */
export function callContent(
  sender: Principal,
  canisterId: Principal,
  method: string,
  options: { arg?: Uint8Array; expiry?: bigint } = {},
): Content {
  return {
    request_type: 'call',
    sender,
    canister_id: canisterId,
    method_name: method,
    arg: options.arg ?? NO_ARG,
    ingress_expiry: options.expiry ?? expiryIn(120),
    nonce: new Uint8Array(randomBytes(16)),
  };
}

export function queryContent(sender: Principal, canisterId: Principal, method: string): Content {
  return { ...callContent(sender, canisterId, method), request_type: 'query' };
}

/** The content of a read_state request; string labels are UTF-8 encoded. */
export function readStateContent(sender: Principal, paths: (string | Uint8Array)[][]): Content {
  const encoded = paths.map((path) => path.map((label) => (typeof label === 'string' ? new TextEncoder().encode(label) : label)));
  return { request_type: 'read_state', sender, paths: encoded, ingress_expiry: expiryIn(120), nonce: new Uint8Array(randomBytes(16)) };
}

/** Signs content as the agent does, through the identity's own transformRequest. */
export async function sign(identity: Identity, content: Content): Promise<SignedEnvelope> {
  // The agent's request types name fields the hand-built content leaves out or sets on purpose.
  const request = { endpoint: content.request_type, request: {}, body: content } as unknown as Parameters<Identity['transformRequest']>[0];
  const transformed = (await identity.transformRequest(request)) as { body: SignedEnvelope };
  return transformed.body;
}

export function requestId(content: Content): RequestId {
  return requestIdOf(content as unknown as Record<string, unknown>);
}

export type Answer = { status: number; text: string; body: Record<string, unknown> | null };

/** POSTs a CBOR body (an envelope, or raw bytes) and reads the answer. */
export async function post(url: string, path: string, envelope: SignedEnvelope | Uint8Array): Promise<Answer> {
  const body = Uint8Array.from(envelope instanceof Uint8Array ? envelope : Cbor.encode(envelope));
  const response = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/cbor' }, body });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const cbor = response.headers.get('content-type') === 'application/cbor' && bytes.length > 0;
  return {
    status: response.status,
    text: cbor ? '' : new TextDecoder().decode(bytes),
    body: cbor ? Cbor.decode<Record<string, unknown>>(bytes) : null,
  };
}
