// The HTTP gateway for canisters (the boundary node's job), after the HTTP Gateway Protocol
// specification: a request for `<id>.localhost` or `?canisterId=<id>` becomes the canister's
// `http_request` query; a reply with `upgrade = opt true` is sent again as the `http_request_update`
// update (anonymous, as an ingress message through the network); a streaming callback is followed
// until the body is whole; then the response is verified (certificate, tree, v2 expression or v1
// `http_assets`) before anything is passed on. Calls go straight to the LocalNetwork, not over HTTP.
//
// What is and is not verified:
// - query responses from a normal host: always. No IC-Certificate header means verification fails,
//   as at the real gateway; a canister opts a path out with the `no_certification` expression (then
//   the response is passed on as it came), or serves it from the raw host `<id>.raw.localhost`.
// - `http_request_update` responses: not verified. They come out of consensus, which on the IC the
//   gateway trusts through the certified call status; here the network itself ran the update.
// - v2 passes on only what was certified: the status, the certified headers and the body. v1 certifies
//   only the body, so the canister's status and headers are passed on as they are.
import { Principal } from '@dfinity/principal';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ErrorCode, type Reject } from '../../errors.js';
import type { LocalNetwork } from '../../network.js';
import {
  decodeChunk,
  decodeResponse,
  encodeRequest,
  encodeToken,
  encodeUpdateRequest,
  type HttpRequest,
  type HttpResponse,
  MalformedReply,
  type Token,
} from './candid.js';
import { BadTarget, resolveTarget, type Target } from './resolve.js';
import { declaredVersions, VerificationFailed, verify } from './verify.js';

/**
 * Request bodies: http_request_update sends the request again as an ingress message, which is at
 * most 2 MiB on an application subnet (the replica's max_ingress_bytes_per_message), so a body over
 * that could never reach an update. Refused with 413 before the canister is called.
 */
export const MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Response bodies assembled from streaming callbacks: the gateway holds a whole body to verify it
 * (the spec forbids passing on uncertified chunks), so it stops at this size (our choice) and at
 * this many callbacks (so a canister that streams empty chunks forever cannot hold a request).
 */
export const MAX_RESPONSE_BODY_BYTES = 32 * 1024 * 1024;
export const MAX_STREAMING_CALLBACKS = 1024;
/** How long the gateway waits for http_request_update (an update can await other canisters). */
const UPDATE_TIMEOUT_MS = 60_000;

/** The spec's suggested CORS headers, added where the canister sets none of its own. */
const CORS: [string, string][] = [
  ['access-control-allow-origin', '*'],
  ['access-control-allow-methods', 'GET, POST, HEAD, OPTIONS'],
  ['access-control-allow-headers', 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Cookie'],
  ['access-control-expose-headers', 'Content-Length,Content-Range'],
];
/**
 * A canister response served on the network's own origin (`?canisterId=` or the Referer form, not `<id>.localhost`)
 * runs sandboxed, in an opaque origin: that origin is also the dev Internet Identity's (/internet-identity), whose
 * endpoints trust requests from it, and holds the storage of every other page served there. Without
 * allow-same-origin the page's requests carry `Origin: null`, which the dev II refuses, and it reads no storage.
 * Sent as a policy of its own beside any the canister sent: a browser enforces every policy, so the canister's
 * own (even a sandbox directive of its own with allow-same-origin) cannot lift it.
 */
export const SANDBOX = 'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';
/** Headers that describe one HTTP connection or message framing, which Node sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'trailer', 'te']);

class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serves the request if it is for a canister; false leaves it to the network's own endpoints. */
export function serveCanisterHttp(
  network: LocalNetwork,
  request: IncomingMessage,
  response: ServerResponse,
  networkPath?: (path: string) => boolean,
): Promise<boolean> {
  return new CanisterHttp(network, networkPath).handle(request, response);
}

class CanisterHttp {
  constructor(
    private readonly network: LocalNetwork,
    private readonly networkPath?: (path: string) => boolean,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    let target: Target | null;
    try {
      target = resolveTarget(request, this.networkPath);
    } catch (error) {
      if (!(error instanceof BadTarget)) throw error;
      fail(response, new GatewayError(400, error.message));
      return true;
    }
    if (!target) return false;
    try {
      await this.serve(target, request, response);
    } catch (error) {
      fail(response, error instanceof GatewayError ? error : new GatewayError(502, (error as Error).message ?? String(error)));
    }
    return true;
  }

  private async serve(target: Target, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { canisterId } = target;
    const canister = this.network.scheduler.canister(canisterId);
    if (!canister) throw new GatewayError(404, `No canister ${canisterId.toText()} on this network`);
    const httpRequest: HttpRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      url: target.url,
      headers: pairs(request.rawHeaders),
      body: await readBody(request),
      certificate_version: [2],
    };

    let answer = decodeResponse(this.query(canisterId, 'http_request', encodeRequest(httpRequest)), 'http_request');
    let verifiable = !target.raw;
    if (answer.upgrade[0] === true) {
      // The spec: every other field of the query's answer is ignored, and the update's `upgrade` too.
      answer = decodeResponse(await this.update(canisterId, encodeUpdateRequest(httpRequest)), 'http_request_update');
      verifiable = false;
    }
    const body = this.stream(canisterId, answer);

    let status = answer.status_code;
    let headers = answer.headers;
    let served = body;
    if (verifiable) {
      const declared = declaredVersions(canister.module?.module);
      try {
        const verified = verify({
          request: httpRequest,
          response: { status, headers, body },
          canisterId,
          now: this.network.scheduler.time,
          rootKey: this.network.certifier.derPublicKey,
          minVersion: declared?.includes(2) ? 2 : 1,
        });
        if (verified.response) {
          status = verified.response.status ?? status;
          headers = verified.response.headers;
          served = verified.response.body;
        }
      } catch (error) {
        if (!(error instanceof VerificationFailed)) throw error;
        throw new GatewayError(
          503,
          `Response verification failed for ${httpRequest.method} ${httpRequest.url} on canister ${canisterId.toText()}: ${error.message}` +
            (hasCertificate(headers)
              ? ''
              : ` (the response carries no IC-Certificate header; ${canisterId.toText()}.raw.localhost serves it unverified)`),
        );
      }
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new GatewayError(502, `Canister ${canisterId.toText()} answered status ${status}, which is not an HTTP status`);
    }
    const out: [string, string][] = headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
    const named = new Set(out.map(([name]) => name.toLowerCase()));
    for (const [name, value] of CORS) if (!named.has(name)) out.push([name, value]);
    if (target.networkOrigin) out.push(['content-security-policy', SANDBOX]);
    out.push(['content-length', String(served.length)]);
    try {
      response.writeHead(status, out.flat());
    } catch (error) {
      throw new GatewayError(502, `Canister ${canisterId.toText()} answered headers that are not valid HTTP: ${(error as Error).message}`);
    }
    response.end(served);
  }

  private query(canisterId: Principal, method: string, arg: Uint8Array): Uint8Array {
    const result = this.network.runQuery({ canisterId, method, arg, sender: Principal.anonymous() });
    if ('reject' in result) throw rejected(canisterId, method, result.reject);
    return result.reply;
  }

  private async update(canisterId: Principal, arg: Uint8Array): Promise<Uint8Array> {
    const method = 'http_request_update';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new GatewayError(504, `Canister ${canisterId.toText()} did not answer ${method} within ${UPDATE_TIMEOUT_MS / 1000} s`)),
        UPDATE_TIMEOUT_MS,
      );
      timer.unref();
    });
    try {
      const result = await Promise.race([this.network.submitIngress({ canisterId, method, arg, sender: Principal.anonymous() }), timeout]);
      if ('reject' in result) throw rejected(canisterId, method, result.reject);
      return result.reply;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The whole body: the answer's own, then each chunk the streaming callback gives (spec: Response Body Streaming). */
  private stream(canisterId: Principal, answer: HttpResponse): Uint8Array {
    const strategy = answer.streaming_strategy[0];
    if (!strategy) return answer.body;
    const [owner, method] = strategy.Callback.callback;
    if (owner.compareTo(canisterId) !== 'eq') {
      throw new GatewayError(502, `The streaming callback ${owner.toText()}.${method} is not a method of canister ${canisterId.toText()}`);
    }
    const chunks = [answer.body];
    let size = answer.body.length;
    let token: Token = strategy.Callback.token;
    for (let calls = 0; ; calls++) {
      if (calls >= MAX_STREAMING_CALLBACKS) {
        throw new GatewayError(502, `Canister ${canisterId.toText()} streamed more than ${MAX_STREAMING_CALLBACKS} chunks`);
      }
      let arg: Uint8Array;
      try {
        arg = encodeToken(token);
      } catch (error) {
        throw new MalformedReply(`cannot encode the streaming token for ${method}: ${(error as Error).message}`);
      }
      const chunk = decodeChunk(this.query(canisterId, method, arg), method);
      if (!chunk) break;
      size += chunk.body.length;
      if (size > MAX_RESPONSE_BODY_BYTES) {
        throw new GatewayError(
          502,
          `Canister ${canisterId.toText()} streamed a body over ${MAX_RESPONSE_BODY_BYTES} bytes, more than this gateway serves`,
        );
      }
      chunks.push(chunk.body);
      if (!chunk.token) break;
      token = chunk.token;
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}

/**
 * A rejected call as an HTTP status: a canister that does not serve HTTP (no http_request, or no code)
 * is 404, one that cannot run now (stopped, out of cycles) 503, anything else (a trap, a reject) 502.
 */
function rejected(canisterId: Principal, method: string, reject: Reject): GatewayError {
  const code = reject.errorCode;
  const what = `${reject.errorCode ?? `reject code ${reject.code}`}: ${reject.message}`;
  if (method === 'http_request' && (code === ErrorCode.CANISTER_METHOD_NOT_FOUND || code === ErrorCode.CANISTER_WASM_MODULE_NOT_FOUND)) {
    return new GatewayError(404, `Canister ${canisterId.toText()} does not serve HTTP (${what})`);
  }
  if (code === ErrorCode.CANISTER_STOPPED || code === ErrorCode.CANISTER_STOPPING || code === ErrorCode.CANISTER_OUT_OF_CYCLES) {
    return new GatewayError(503, `Canister ${canisterId.toText()} cannot answer ${method} now (${what})`);
  }
  return new GatewayError(502, `Canister ${canisterId.toText()} rejected ${method} (${what})`);
}

function fail(response: ServerResponse, error: GatewayError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(error.status, { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' });
  response.end(`${error.message}\n`);
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

function hasCertificate(headers: [string, string][]): boolean {
  return headers.some(([name]) => name.toLowerCase() === 'ic-certificate');
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length'] ?? 0);
  const tooLarge = () =>
    new GatewayError(
      413,
      `Request body over ${MAX_REQUEST_BODY_BYTES} bytes: a canister's http_request_update receives it as one ingress message, at most 2 MiB`,
    );
  if (declared > MAX_REQUEST_BODY_BYTES) {
    request.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      request.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
