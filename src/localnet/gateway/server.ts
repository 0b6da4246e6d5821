// The IC's HTTP interface over the local network (spec: "HTTPS Interface"): status, asynchronous
// and synchronous calls, queries signed by a node key, and read_state certificates signed by the
// root key, so stock agents, dfx and other agent-based tools work against it unchanged.
import { Cbor, ED25519_OID, hashOfMap, IC_RESPONSE_DOMAIN_SEPARATOR, requestIdOf, wrapDER } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { canisterIdFromIndex, canisterIndex, CANISTER_RANGE } from '../ids.js';
import type { LocalNetwork } from '../network.js';
import { type CallResult, MANAGEMENT_CANISTER } from '../scheduler.js';
import { AuthError, authenticate, type Envelope } from './auth.js';
import { serveCanisterHttp } from './http_gateway/index.js';
import { RequestStatuses } from './request_status.js';
import { children, controllersValue, nat, rangesValue, reveal, type StateNode } from './state_tree.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The replica accepts an ingress_expiry up to 5 minutes ahead, plus a minute of clock drift. */
const MAX_INGRESS_TTL = (5n * 60n + 60n) * 1_000_000_000n;
/** How long a synchronous call waits for its result before answering 202 (as the replica does). */
const SYNC_CALL_TIMEOUT_MS = 10_000;
const MAX_PATHS = 1000;
const MAX_PATH_LENGTH = 127;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Route =
  | { kind: 'status' }
  | { kind: 'call'; version: 2 | 3; id: Principal }
  | { kind: 'query'; id: Principal }
  | { kind: 'read_state'; id: Principal; subnet: boolean };

export type GatewayOptions = { host?: string; port?: number };

export class Gateway {
  readonly statuses = new RequestStatuses();
  readonly subnetId: Principal;
  readonly nodeId: Principal;
  private readonly nodeSecret: Uint8Array;
  private readonly nodeDerKey: Uint8Array;
  private server: Server | null = null;
  /** Extra GET pages served beside the API (the dev Internet Identity). */
  readonly pages = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  /** Extra POST endpoints served beside the API (the dev Internet Identity's signing endpoint). */
  readonly posts = new Map<string, (request: IncomingMessage, response: ServerResponse) => Promise<void>>();

  constructor(readonly network: LocalNetwork) {
    this.subnetId = Principal.selfAuthenticating(network.certifier.derPublicKey);
    // The node key follows from the root key, so it stays the same across restarts.
    this.nodeSecret = sha256(new Uint8Array([...new TextEncoder().encode('localnet node'), ...network.certifier.secretKey]));
    this.nodeDerKey = wrapDER(ed25519.getPublicKey(this.nodeSecret), ED25519_OID);
    this.nodeId = Principal.selfAuthenticating(this.nodeDerKey);
  }

  /** Listens (default 127.0.0.1:4943, dfx's port); resolves with the base URL. */
  async listen({ host = '127.0.0.1', port = 4943 }: GatewayOptions = {}): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...CORS });
        response.end(error instanceof Error ? error.message : String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The HTTP gateway for canisters: <id>.localhost and ?canisterId=<id> (not /api) go to the canister's http_request.
    if (await serveCanisterHttp(this.network, request, response)) return;
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const page = this.pages.get(path);
    if (page && request.method === 'GET') return page(request, response);
    const post = this.posts.get(path);
    if (post && request.method === 'POST') return post(request, response);
    const route = parseRoute(path);
    if (!route) throw new HttpError(404, `no such endpoint: ${path}`);
    if (route.kind === 'status') {
      if (request.method !== 'GET') throw new HttpError(405, 'use GET for /api/v2/status');
      return send(response, 200, {
        ic_api_version: '0.18.0',
        impl_version: 'icp-inference-market localnet',
        root_key: this.network.certifier.derPublicKey,
        replica_health_status: 'healthy',
      });
    }
    if (request.method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
    const envelope = parseEnvelope(await readBody(request));
    if (route.kind === 'call') return this.call(route.id, route.version, envelope, response);
    if (route.kind === 'query') return this.query(route.id, envelope, response);
    return this.readState(route.id, route.subnet, envelope, response);
  }

  /** Checks expiry and signatures; returns the request id and the delegation's targets. */
  private admit(envelope: Envelope, expected: string): { requestId: Uint8Array; targets: Principal[] | null; sender: Principal } {
    const content = envelope.content;
    if (content.request_type !== expected) throw new HttpError(400, `request_type must be "${expected}" at this endpoint`);
    const requestId = requestIdOf(content);
    const sender = Principal.fromUint8Array(Uint8Array.from(content.sender));
    const now = this.network.scheduler.time;
    const expiry = BigInt(content.ingress_expiry as bigint | number);
    // Anonymous queries and read_state may carry any expiry (spec: Authentication).
    const strict = !(sender.isAnonymous() && expected !== 'call');
    if (strict && expiry < now) throw new HttpError(400, `Invalid request expiry: ingress_expiry ${expiry} is in the past (now ${now})`);
    if (strict && expiry > now + MAX_INGRESS_TTL) {
      throw new HttpError(400, `Invalid request expiry: ingress_expiry ${expiry} is more than 6 minutes ahead (now ${now})`);
    }
    try {
      return { requestId, targets: authenticate(envelope, requestId, now), sender };
    } catch (error) {
      if (error instanceof AuthError)
        throw new HttpError(400, `Failed to authenticate request 0x${Buffer.from(requestId).toString('hex')}: ${error.message}`);
      throw error;
    }
  }

  /** The canister a call is addressed to, checked against the URL's effective canister id and the delegation. */
  private target(
    envelope: Envelope,
    effective: Principal,
    targets: Principal[] | null,
  ): { canisterId: Principal; method: string; arg: Uint8Array } {
    const { canister_id, method_name, arg } = envelope.content;
    if (!(canister_id instanceof Uint8Array) || typeof method_name !== 'string' || !(arg instanceof Uint8Array)) {
      throw new HttpError(400, 'content must have canister_id (blob), method_name (text) and arg (blob)');
    }
    const canisterId = Principal.fromUint8Array(Uint8Array.from(canister_id));
    if (targets && !targets.some((t) => t.compareTo(canisterId) === 'eq')) {
      throw new HttpError(400, `Request targets canister ${canisterId.toText()}, which the sender's delegation does not allow`);
    }
    const anyEffective = canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq' && method_name === 'provisional_create_canister_with_cycles';
    if (!anyEffective) {
      const wanted = canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq' ? managementTarget(method_name, arg) : canisterId;
      if (!wanted || wanted.compareTo(effective) !== 'eq') {
        throw new HttpError(
          400,
          `Specified CanisterId ${effective.toText()} does not match effective canister id in URL (expected ${wanted?.toText() ?? 'a canister_id in the argument'})`,
        );
      }
      const index = canisterIndex(effective);
      if (index === null || index < CANISTER_RANGE[0] || index > CANISTER_RANGE[1]) {
        throw new HttpError(400, `Canister ${effective.toText()} does not belong to this subnet's canister ranges`);
      }
    }
    return { canisterId, method: method_name, arg: Uint8Array.from(arg) };
  }

  private async call(effective: Principal, version: 2 | 3, envelope: Envelope, response: ServerResponse): Promise<void> {
    const { requestId, targets, sender } = this.admit(envelope, 'call');
    const { canisterId, method, arg } = this.target(envelope, effective, targets);
    this.statuses.prune(this.network.scheduler.time);
    let status = this.statuses.get(requestId);
    // Refused before induction (inspect_message, out of cycles): answered at once and never certified.
    const refused = status ? null : this.network.refuseIngress({ canisterId, method, arg, sender });
    if (refused) {
      const body = { reject_code: refused.code, reject_message: refused.message, error_code: refused.errorCode };
      return send(response, 200, version === 3 ? { status: 'non_replicated_rejection', ...body } : body);
    }
    if (!status) {
      // A request id runs at most once: a replay finds this status and only reads it.
      const call = this.network.inductIngress({ canisterId, method, arg, sender });
      const done = call.then((result: CallResult) => {
        status!.result = result;
      });
      status = { sender, canisterId, effectiveCanisterId: effective, expiry: BigInt(envelope.content.ingress_expiry as bigint), done };
      this.statuses.add(requestId, status);
    }
    if (version === 2) {
      response.writeHead(202, CORS).end();
      return;
    }
    await Promise.race([status.done, new Promise((resolve) => setTimeout(resolve, SYNC_CALL_TIMEOUT_MS).unref())]);
    if (!status.result) {
      response.writeHead(202, CORS).end();
      return;
    }
    const certificate = this.certify([[new TextEncoder().encode('request_status'), requestId]], (paths) => this.state(paths));
    send(response, 200, { status: 'replied', certificate });
  }

  private async query(effective: Principal, envelope: Envelope, response: ServerResponse): Promise<void> {
    const { requestId, targets, sender } = this.admit(envelope, 'query');
    const { canisterId, method, arg } = this.target(envelope, effective, targets);
    const result = this.network.runQuery({ canisterId, method, arg, sender });
    const timestamp = this.network.scheduler.time;
    const body =
      'reply' in result
        ? { status: 'replied', reply: { arg: result.reply } }
        : {
            status: 'rejected',
            reject_code: result.reject.code,
            reject_message: result.reject.message,
            error_code: result.reject.errorCode,
          };
    const hash = hashOfMap({ ...body, timestamp, request_id: requestId });
    const signature = ed25519.sign(new Uint8Array([...IC_RESPONSE_DOMAIN_SEPARATOR, ...hash]), this.nodeSecret);
    send(response, 200, { ...body, signatures: [{ timestamp, signature, identity: this.nodeId.toUint8Array() }] });
  }

  private async readState(effective: Principal, subnet: boolean, envelope: Envelope, response: ServerResponse): Promise<void> {
    const { sender, targets } = this.admit(envelope, 'read_state');
    const paths = envelope.content.paths;
    if (
      !Array.isArray(paths) ||
      paths.length > MAX_PATHS ||
      !paths.every((p) => Array.isArray(p) && p.length <= MAX_PATH_LENGTH && p.every((l) => l instanceof Uint8Array))
    ) {
      throw new HttpError(400, `paths must be a list of at most ${MAX_PATHS} paths of at most ${MAX_PATH_LENGTH} blobs`);
    }
    if (subnet && effective.compareTo(this.subnetId) !== 'eq') throw new HttpError(404, `Subnet ${effective.toText()} not found`);
    const requested = (paths as Uint8Array[][]).map((p) => p.map((l) => Uint8Array.from(l)));
    this.authorize(requested, effective, subnet, sender, targets);
    send(response, 200, { certificate: this.certify(requested, (p) => this.state(p, sender)) });
  }

  /** The spec's rules on which paths a sender may read at an endpoint. */
  private authorize(paths: Uint8Array[][], effective: Principal, subnet: boolean, sender: Principal, targets: Principal[] | null): void {
    let requestId: string | null = null;
    for (const path of paths) {
      const head = new TextDecoder().decode(path[0] ?? new Uint8Array(0));
      if (head === 'time' || head === 'subnet' || head === 'api_boundary_nodes') continue;
      if (subnet) throw new HttpError(400, `/${head} cannot be read at the subnet endpoint`);
      if (head === 'canister') {
        if (!path[1] || Principal.fromUint8Array(path[1]).compareTo(effective) !== 'eq') {
          throw new HttpError(403, `/canister paths must name the effective canister ${effective.toText()}`);
        }
        continue;
      }
      if (head === 'request_status') {
        if (!path[1]) throw new HttpError(400, '/request_status paths must name a request id');
        const id = Buffer.from(path[1]).toString('hex');
        if (requestId !== null && requestId !== id) throw new HttpError(400, 'all /request_status paths must name the same request id');
        requestId = id;
        const status = this.statuses.get(path[1]);
        if (status && (status.sender.compareTo(sender) !== 'eq' || status.effectiveCanisterId.compareTo(effective) !== 'eq')) {
          throw new HttpError(403, 'Request IDs must be for requests signed by the caller and sent to the same effective canister');
        }
        // The sender's delegation must allow the canister the call was addressed to (spec: certified state reads).
        if (status && targets && !targets.some((t) => t.compareTo(status.canisterId) === 'eq')) {
          throw new HttpError(
            403,
            `Request ${id} was sent to canister ${status.canisterId.toText()}, which the sender's delegation does not allow`,
          );
        }
        continue;
      }
      throw new HttpError(404, `Invalid path requested: /${head}`);
    }
  }

  private certify(paths: Uint8Array[][], state: (paths: Uint8Array[][]) => StateNode): Uint8Array {
    const all = [...paths, [new TextEncoder().encode('time')]];
    return this.network.certifier.certify(reveal(state(all), all));
  }

  /** The state tree's subtrees that the paths touch. */
  private state(paths: Uint8Array[][], sender?: Principal): StateNode {
    const named = (head: string) => paths.filter((p) => new TextDecoder().decode(p[0]) === head && p[1]).map((p) => p[1]);
    return children([
      ['time', nat(this.network.scheduler.time)],
      ['subnet', paths.some((p) => new TextDecoder().decode(p[0]) === 'subnet') ? this.subnetState() : undefined],
      ['canister', children(named('canister').map((id) => [id, this.canisterState(Principal.fromUint8Array(id), paths, sender)]))],
      ['request_status', children(named('request_status').map((id) => [id, this.statuses.subtree(id)]))],
    ]);
  }

  private subnetState(): StateNode {
    const ranges: [Principal, Principal][] = [[canisterIdFromIndex(CANISTER_RANGE[0]), canisterIdFromIndex(CANISTER_RANGE[1])]];
    return children([
      [
        this.subnetId.toUint8Array(),
        children([
          ['public_key', this.network.certifier.derPublicKey],
          ['canister_ranges', rangesValue(ranges)],
          ['node', children([[this.nodeId.toUint8Array(), children([['public_key', this.nodeDerKey]])]])],
        ]),
      ],
    ]);
  }

  private canisterState(id: Principal, paths: Uint8Array[][], sender?: Principal): StateNode | undefined {
    const canister = this.network.scheduler.canister(id);
    if (!canister) return undefined;
    const module = canister.module;
    const metadata = paths
      .filter((p) => p.length >= 4 && new TextDecoder().decode(p[2]) === 'metadata')
      .map((p): [Uint8Array, StateNode | undefined] => {
        const name = new TextDecoder().decode(p[3]);
        const section = (visibility: string) =>
          module ? WebAssembly.Module.customSections(module.module, `icp:${visibility} ${name}`)[0] : undefined;
        const isController = sender ? canister.isController(sender.toUint8Array()) : false;
        const found = section('public') ?? (isController ? section('private') : undefined);
        return [p[3], found ? new Uint8Array(found) : undefined];
      });
    return children([
      ['module_hash', module?.hash],
      ['controllers', controllersValue(canister.controllers)],
      ['metadata', metadata.length > 0 ? children(metadata) : undefined],
    ]);
  }
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
};

function send(response: ServerResponse, status: number, value: unknown): void {
  const body = Cbor.encode(value);
  response.writeHead(status, { 'content-type': 'application/cbor', 'content-length': body.length, ...CORS }).end(body);
}

function parseRoute(path: string): Route | null {
  if (path === '/api/v2/status') return { kind: 'status' };
  const match = /^\/api\/(v2|v3)\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/.exec(path);
  if (!match) return null;
  const [, version, scope, idText, endpoint] = match;
  let id: Principal;
  try {
    id = Principal.fromText(idText);
  } catch {
    throw new HttpError(400, `${idText} is not a principal`);
  }
  if (scope === 'subnet') return endpoint === 'read_state' ? { kind: 'read_state', id, subnet: true } : null;
  if (endpoint === 'call') return { kind: 'call', version: version === 'v3' ? 3 : 2, id };
  if (endpoint === 'query') return { kind: 'query', id };
  return { kind: 'read_state', id, subnet: false };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function parseEnvelope(body: Uint8Array): Envelope {
  let envelope: Envelope;
  try {
    envelope = Cbor.decode<Envelope>(body);
  } catch (error) {
    throw new HttpError(400, `Could not parse body as a CBOR request envelope: ${(error as Error).message}`);
  }
  const content = envelope?.content;
  if (!content || typeof content !== 'object' || !(content.sender instanceof Uint8Array) || content.ingress_expiry === undefined) {
    throw new HttpError(400, 'the envelope must have a content map with sender and ingress_expiry');
  }
  if (content.nonce !== undefined && (!(content.nonce instanceof Uint8Array) || content.nonce.length > 32)) {
    throw new HttpError(400, 'nonce must be a blob of at most 32 bytes');
  }
  return envelope;
}

/**
 * The canister a management call is about (spec: effective canister id): the target_canister of
 * install_chunked_code, otherwise the canister_id field of the candid argument.
 */
function managementTarget(method: string, arg: Uint8Array): Principal | null {
  const field = method === 'install_chunked_code' ? 'target_canister' : 'canister_id';
  try {
    const [record] = IDL.decode([IDL.Record({ [field]: IDL.Principal })], arg) as unknown as [Record<string, Principal>];
    return record[field];
  } catch {
    return null;
  }
}
