// The IC's HTTP interface over the local network (spec: "HTTPS Interface"): status, asynchronous
// (v2) and synchronous (v3, v4) calls, queries signed by a node key (v2, v3), and read_state
// certificates signed by the root key (v2, v3), so stock agents (@dfinity/agent 3, @icp-sdk/core 6),
// dfx, icp-cli and other agent-based tools work against it unchanged.
import { Cbor, ED25519_OID, hashOfMap, IC_RESPONSE_DOMAIN_SEPARATOR, requestIdOf, wrapDER } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { canisterIdFromIndex, canisterIndex, CANISTER_RANGE } from '../ids.js';
import { ManagementCanister, QUERY_ANY_EFFECTIVE } from '../management/index.js';
import type { LocalNetwork } from '../network.js';
import { type CallResult, MANAGEMENT_CANISTER } from '../scheduler.js';
import { digest } from '../certification/hash_tree.js';
import { ROUND_NS } from '../certification/state_certificate.js';
import { AuthError, authenticate, type Envelope } from './auth.js';
import { serveCanisterHttp } from './http_gateway/index.js';
import { RequestStatuses } from './request_status.js';
import { children, controllersValue, nat, rangesValue, reveal, type StateNode, text } from './state_tree.js';

/**
 * Body limits, as the replica enforces them (rs/http_endpoints/public). Any request body over 5 MiB (its HTTP
 * layer's max_request_size_bytes) is refused with 413. A call is refused with 413 when its signed message is larger
 * than max_ingress_bytes_per_message, 2 MiB on an application subnet: the replica counts the whole CBOR envelope as
 * sent (SignedIngress::count_bytes is the length of the request body), not just `arg`, so the envelope's overhead
 * (sender, key, signature, delegations; a few hundred bytes) comes out of the 2 MiB, and the HTTP layer's larger
 * limit is there for query and read_state envelopes. Modules larger than that are gzipped or uploaded in chunks
 * (upload_chunk takes at most 1 MiB), as dfx and icp-cli do.
 */
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_INGRESS_BYTES = 2 * 1024 * 1024;
/** The replica accepts an ingress_expiry up to 5 minutes ahead, plus a minute of clock drift. */
const MAX_INGRESS_TTL = (5n * 60n + 60n) * 1_000_000_000n;
/** How long a synchronous call waits for its result before answering 202 (as the replica does). */
const SYNC_CALL_TIMEOUT_MS = 10_000;
const MAX_PATHS = 1000;
/** Read certificates kept for reuse within a round (the same values asked for again). */
const MAX_READ_CERTIFICATES = 1000;
const MAX_PATH_LENGTH = 127;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An endpoint and its effective id: a canister id, or a subnet id where `subnet` is set. */
type Route =
  | { kind: 'status' }
  | { kind: 'call'; version: 2 | 3 | 4; id: Principal; subnet: boolean }
  | { kind: 'query'; version: 2 | 3; id: Principal }
  | { kind: 'read_state'; version: 2 | 3; id: Principal; subnet: boolean };

/** Management methods that take any effective canister id, and the only ones /api/v4/subnet/<id>/call serves. */
const CREATE_METHODS = new Set(['create_canister', 'provisional_create_canister_with_cycles']);

export type GatewayOptions = { host?: string; port?: number };
/** How long a synchronous call (v3, v4) waits for its result before answering 202 (default 10 s). */
export type GatewaySettings = { syncCallTimeoutMs?: number };

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

  private readonly syncCallTimeoutMs: number;

  constructor(
    readonly network: LocalNetwork,
    { syncCallTimeoutMs = SYNC_CALL_TIMEOUT_MS }: GatewaySettings = {},
  ) {
    this.syncCallTimeoutMs = syncCallTimeoutMs;
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
    // Idle keep-alive connections stay open longer than clients keep them (Node's agent 5 s, undici 4 s), so a client
    // never reuses a connection the server is closing at that moment (ECONNRESET), as other long-lived servers do.
    server.keepAliveTimeout = 65_000;
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
    const own = (path: string) => this.pages.has(path) || this.posts.has(path);
    if (await serveCanisterHttp(this.network, request, response, own)) return;
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
    const body = await readBody(request);
    const envelope = parseEnvelope(body);
    if (route.kind === 'call') return this.call(route, envelope, body.length, response);
    if (route.kind === 'query') return this.query(route.id, envelope, response);
    return this.readState(route, envelope, response);
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

  /**
   * The canister a call is addressed to, checked against the URL's effective canister id (or, at
   * /api/v4/subnet/<id>/call, its effective subnet id: canister creation only) and the delegation.
   */
  private target(
    envelope: Envelope,
    effective: Principal,
    targets: Principal[] | null,
    subnet = false,
  ): { canisterId: Principal; method: string; arg: Uint8Array } {
    const { canister_id, method_name, arg } = envelope.content;
    if (!(canister_id instanceof Uint8Array) || typeof method_name !== 'string' || !(arg instanceof Uint8Array)) {
      throw new HttpError(400, 'content must have canister_id (blob), method_name (text) and arg (blob)');
    }
    const canisterId = Principal.fromUint8Array(Uint8Array.from(canister_id));
    if (targets && !targets.some((t) => t.compareTo(canisterId) === 'eq')) {
      throw new HttpError(400, `Request targets canister ${canisterId.toText()}, which the sender's delegation does not allow`);
    }
    const anyEffective = canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq' && CREATE_METHODS.has(method_name);
    if (subnet && !anyEffective) {
      throw new HttpError(
        400,
        `/api/v4/subnet/<subnet_id>/call only takes canister creation (${[...CREATE_METHODS].join(', ')} on aaaaa-aa), not ${canisterId.toText()} ${method_name}`,
      );
    }
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

  private async call(route: Route & { kind: 'call' }, envelope: Envelope, size: number, response: ServerResponse): Promise<void> {
    const { version, id: effective, subnet } = route;
    if (subnet && effective.compareTo(this.subnetId) !== 'eq') throw new HttpError(404, `Subnet ${effective.toText()} not found`);
    if (size > MAX_INGRESS_BYTES) {
      let id = '';
      try {
        id = ` 0x${Buffer.from(requestIdOf(envelope.content)).toString('hex')}`;
      } catch {
        // Content without a request id is refused for its size all the same.
      }
      throw new HttpError(
        413,
        `Request${id} is too large. Message byte size ${size} is larger than the max allowed ${MAX_INGRESS_BYTES} (2 MiB): ` +
          'gzip a large Wasm module or install it in chunks (upload_chunk, install_chunked_code)',
      );
    }
    const { requestId, targets, sender } = this.admit(envelope, 'call');
    const { canisterId, method, arg } = this.target(envelope, effective, targets, subnet);
    this.statuses.prune(this.network.scheduler.time);
    let status = this.statuses.get(requestId);
    // Refused before induction (inspect_message, out of cycles): answered at once and never certified.
    const refused = status ? null : this.network.refuseIngress({ canisterId, method, arg, sender });
    if (refused) {
      const body = { reject_code: refused.code, reject_message: refused.message, error_code: refused.errorCode };
      return send(response, 200, version === 2 ? body : { status: 'non_replicated_rejection', ...body });
    }
    if (!status) {
      // A request id runs at most once: a replay finds this status and only reads it.
      const call = this.network.inductIngress({ canisterId, method, arg, sender });
      const done = call.then((result: CallResult) => {
        status!.result = result;
      });
      status = { sender, canisterId, effective, expiry: BigInt(envelope.content.ingress_expiry as bigint), done };
      this.statuses.add(requestId, status);
    }
    if (version === 2) {
      response.writeHead(202, CORS).end();
      return;
    }
    // v3 and v4 differ only in the form of the canister ranges in a subnet delegation's certificate (flat at
    // /subnet/<id>/canister_ranges, or sharded under /canister_ranges/<id>); a root-subnet certificate has no delegation.
    await Promise.race([status.done, new Promise((resolve) => setTimeout(resolve, this.syncCallTimeoutMs).unref())]);
    if (!status.result) {
      response.writeHead(202, CORS).end();
      return;
    }
    const certificate = this.certify([[new TextEncoder().encode('request_status'), requestId]], (paths) => this.state(paths));
    send(response, 200, { status: 'replied', certificate });
  }

  private async query(effective: Principal, envelope: Envelope, response: ServerResponse): Promise<void> {
    const { requestId, targets, sender } = this.admit(envelope, 'query');
    const canisterId = envelope.content.canister_id;
    let result: CallResult;
    if (canisterId instanceof Uint8Array && Principal.fromUint8Array(Uint8Array.from(canisterId)).compareTo(MANAGEMENT_CANISTER) === 'eq') {
      result = this.managementQuery(envelope, effective, targets, sender);
    } else {
      const { canisterId, method, arg } = this.target(envelope, effective, targets);
      result = this.network.runQuery({ canisterId, method, arg, sender });
    }
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

  /**
   * A query to the management canister (spec: Effective canister id, for query calls to aaaaa-aa): the effective
   * canister id must be the `canister_id` of the argument (any principal for list_canisters) and lie in the subnet's
   * ranges, and a sender's delegation must name that canister (aaaaa-aa for list_canisters), as the spec's
   * `A.canister_id ∈ verify_envelope(E, Q.sender, S.system_time)` says. The management canister answers or
   * refuses the method itself; either way the answer is signed like any query's.
   */
  private managementQuery(envelope: Envelope, effective: Principal, targets: Principal[] | null, sender: Principal): CallResult {
    const { method_name: method, arg } = envelope.content;
    if (typeof method !== 'string' || !(arg instanceof Uint8Array)) {
      throw new HttpError(400, 'content must have canister_id (blob), method_name (text) and arg (blob)');
    }
    const index = canisterIndex(effective);
    if (index === null || index < CANISTER_RANGE[0] || index > CANISTER_RANGE[1]) {
      throw new HttpError(400, `Canister ${effective.toText()} does not belong to this subnet's canister ranges`);
    }
    const anyEffective = QUERY_ANY_EFFECTIVE.has(method);
    const about = anyEffective ? MANAGEMENT_CANISTER : principalField(Uint8Array.from(arg), 'canister_id');
    if (!anyEffective && (!about || about.compareTo(effective) !== 'eq')) {
      throw new HttpError(
        400,
        `Specified CanisterId ${effective.toText()} does not match effective canister id in URL (expected ${about?.toText() ?? 'a canister_id in the argument'})`,
      );
    }
    if (targets && about && !targets.some((t) => t.compareTo(about) === 'eq')) {
      throw new HttpError(400, `Request is about canister ${about.toText()}, which the sender's delegation does not allow`);
    }
    const management = this.network.scheduler.management;
    if (!(management instanceof ManagementCanister)) throw new Error('the network has no management canister to query');
    return management.query({ method, arg: Uint8Array.from(arg), sender });
  }

  private async readState(route: Route & { kind: 'read_state' }, envelope: Envelope, response: ServerResponse): Promise<void> {
    const { id: effective, subnet, version } = route;
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
    this.authorize(requested, effective, subnet, version, sender, targets);
    send(response, 200, { certificate: this.certify(requested, (p) => this.state(p, sender)) });
  }

  /** The spec's rules on which paths a sender may read at an endpoint. */
  private authorize(
    paths: Uint8Array[][],
    effective: Principal,
    subnet: boolean,
    version: 2 | 3,
    sender: Principal,
    targets: Principal[] | null,
  ): void {
    let requestId: string | null = null;
    let rangesOf: string | null = null;
    for (const path of paths) {
      const head = new TextDecoder().decode(path[0] ?? new Uint8Array(0));
      if (head === 'time' || head === 'subnet' || head === 'api_boundary_nodes') continue;
      if (head === 'canister_ranges') {
        if (!subnet) throw new HttpError(404, 'Invalid path requested: /canister_ranges is read at /api/v3/subnet/<subnet_id>/read_state');
        if (path.length !== 2) throw new HttpError(404, 'Invalid path requested: ask for /canister_ranges/<subnet_id>');
        const id = Buffer.from(path[1]).toString('hex');
        if (rangesOf !== null && rangesOf !== id) throw new HttpError(400, 'all /canister_ranges paths must name the same subnet id');
        rangesOf = id;
        continue;
      }
      // The status of a call to /api/v4/subnet/<id>/call is read at /api/v3/subnet/<id>/read_state.
      if (subnet && !(head === 'request_status' && version === 3)) {
        throw new HttpError(400, `/${head} cannot be read at the /api/v${version} subnet endpoint`);
      }
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
        if (status && (status.sender.compareTo(sender) !== 'eq' || status.effective.compareTo(effective) !== 'eq')) {
          throw new HttpError(
            403,
            'Request IDs must be for requests signed by the caller and sent to the same effective canister or subnet',
          );
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

  /**
   * A certificate of the paths and /time. Signed once per round for what it reveals, as the replica certifies its
   * state once per round: a request that reveals the same values (the same subtrees along the same paths) within
   * ROUND_NS of the last signature gets that certificate again, whose /time is the time its values were read.
   */
  private certify(paths: Uint8Array[][], state: (paths: Uint8Array[][]) => StateNode): Uint8Array {
    const time = new TextEncoder().encode('time');
    const now = this.network.scheduler.time;
    const asked = paths.filter((p) => Buffer.compare(p[0] ?? new Uint8Array(0), time) !== 0);
    const key = Buffer.from(digest(reveal(state(asked), asked))).toString('hex');
    const known = this.readCertificates.get(key);
    if (known && known.time <= now && now - known.time <= ROUND_NS) return known.certificate;
    const all = [...paths, [time]];
    const certificate = this.network.certifier.certify(reveal(state(all), all));
    if (this.readCertificates.size >= MAX_READ_CERTIFICATES) this.readCertificates.clear();
    this.readCertificates.set(key, { time: now, certificate });
    return certificate;
  }
  private readonly readCertificates = new Map<string, { time: bigint; certificate: Uint8Array }>();

  /** The state tree's subtrees that the paths touch. */
  private state(paths: Uint8Array[][], sender?: Principal): StateNode {
    const named = (head: string) => paths.filter((p) => new TextDecoder().decode(p[0]) === head && p[1]).map((p) => p[1]);
    return children([
      ['time', nat(this.network.scheduler.time)],
      ['subnet', paths.some((p) => new TextDecoder().decode(p[0]) === 'subnet') ? this.subnetState() : undefined],
      ['canister_ranges', named('canister_ranges').length > 0 ? this.rangesState() : undefined],
      ['canister', children(named('canister').map((id) => [id, this.canisterState(Principal.fromUint8Array(id), paths, sender)]))],
      ['request_status', children(named('request_status').map((id) => [id, this.statuses.subtree(id)]))],
    ]);
  }

  /** The subnet's one canister range. */
  private ranges(): [Principal, Principal][] {
    return [[canisterIdFromIndex(CANISTER_RANGE[0]), canisterIdFromIndex(CANISTER_RANGE[1])]];
  }

  /** /canister_ranges/<subnet_id>/<first canister id>: the ranges in shards (one shard here), as v4 clients read them. */
  private rangesState(): StateNode {
    const ranges = this.ranges();
    return children([[this.subnetId.toUint8Array(), children([[ranges[0][0].toUint8Array(), rangesValue(ranges)]])]]);
  }

  private subnetState(): StateNode {
    return children([
      [
        this.subnetId.toUint8Array(),
        children([
          ['public_key', this.network.certifier.derPublicKey],
          ['type', text('application')],
          // The root subnet's flat ranges, which every read_state version may reveal.
          ['canister_ranges', rangesValue(this.ranges())],
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

/**
 * The endpoints the spec lists: call at v2 (asynchronous), v3 and v4 (synchronous), and v4 for a subnet; query at
 * v2 and v3; read_state at v2 and v3, for a canister or a subnet. Anything else is a 404, which is how agents learn
 * that an endpoint is missing (@icp-sdk/core falls back from /api/v4/.../call to /api/v2 on a 404).
 */
function parseRoute(path: string): Route | null {
  if (path === '/api/v2/status') return { kind: 'status' };
  const match = /^\/api\/v([234])\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/.exec(path);
  if (!match) return null;
  const [, digit, scope, idText, endpoint] = match;
  const version = Number(digit) as 2 | 3 | 4;
  const subnet = scope === 'subnet';
  const served = endpoint === 'call' ? (subnet ? version === 4 : true) : endpoint === 'query' ? !subnet && version !== 4 : version !== 4;
  if (!served) return null;
  let id: Principal;
  try {
    id = Principal.fromText(idText);
  } catch {
    throw new HttpError(400, `${idText} is not a principal`);
  }
  if (endpoint === 'call') return { kind: 'call', version, id, subnet };
  if (endpoint === 'query') return { kind: 'query', version: version as 2 | 3, id };
  return { kind: 'read_state', version: version as 2 | 3, id, subnet };
}

/** Reads a body of at most MAX_BODY_BYTES; a larger one is read to its end (so the client sees the answer) and refused. */
async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  const tooLarge = () => new HttpError(413, `Request body of ${size} bytes is larger than the max allowed ${MAX_BODY_BYTES} bytes (5 MiB)`);
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    else if (size > 16 * MAX_BODY_BYTES) throw tooLarge(); // not worth draining
  }
  if (size > MAX_BODY_BYTES) throw tooLarge();
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
  return principalField(arg, method === 'install_chunked_code' ? 'target_canister' : 'canister_id');
}

/** The principal in a field of the candid record an argument holds, if it is one. */
function principalField(arg: Uint8Array, field: string): Principal | null {
  try {
    const [record] = IDL.decode([IDL.Record({ [field]: IDL.Principal })], arg) as unknown as [Record<string, Principal>];
    return record[field];
  } catch {
    return null;
  }
}
