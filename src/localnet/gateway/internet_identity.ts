// A dev Internet Identity served by the local network. The page (internet_identity.html) speaks II's
// client authentication protocol over postMessage (authorize-ready, authorize-client,
// authorize-client-success / -failure), so @dfinity/auth-client logs in unchanged; the same app
// pointed at the real II works on mainnet. A person picks or creates a dev user, and the network
// signs a delegation from that user's Ed25519 key to the app's session key. The user keys never
// leave the network: each follows from the root secret key, the user name and the app origin (the
// real II too gives each app origin its own principal), so a dev user keeps its principal across
// logins and restarts of a network that keeps its state.
import type { DerEncodedPublicKey, PublicKey } from '@dfinity/agent';
import { DelegationChain, Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';

import type { LocalNetwork } from '../network.js';
import { AuthError, verifySignature } from './auth.js';
import type { Gateway } from './server.js';

export const INTERNET_IDENTITY_PATH = '/internet-identity';
/** II's limits: a delegation lives 30 minutes unless the app asks otherwise, and at most 30 days. */
export const DEFAULT_MAX_TIME_TO_LIVE = 30n * 60n * 1_000_000_000n;
export const MAX_TIME_TO_LIVE = 30n * 24n * 3600n * 1_000_000_000n;
const USER_NAME = /^[\p{L}\p{N}._@ -]{1,64}$/u;
const MAX_BODY_BYTES = 16 * 1024;
const MAX_SESSION_KEY_BYTES = 300;
const USERS_FILE = 'internet-identity.json';
/** A Host header: a name or IPv4 address, or an IPv6 address in brackets, and an optional port. */
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::\d{1,5})?$/i;

const PAGE = readFileSync(new URL('./internet_identity.html', import.meta.url), 'utf8');

/** A refusal, answered as JSON { error, code } with an HTTP status. */
export class DevIdentityError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'invalid-user' | 'invalid-request' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

export type DelegateRequest = {
  /** The dev user's name; a new name creates the user. */
  user: string;
  /**
   * The origin of the app that asked (the authorize-client message's origin), whose principal the
   * user gets. The page refuses a derivationOrigin other than that origin before it gets here.
   */
  origin: string;
  /** The session key, DER-encoded (Ed25519 or ECDSA), as hex. */
  sessionPublicKey: string;
  /** Nanoseconds, as a decimal string; default 30 minutes, capped at 30 days. */
  maxTimeToLive?: string;
};

/** The delegation chain in JSON: hex blobs and a decimal expiration (ns). */
export type DelegateAnswer = {
  userPublicKey: string;
  principal: string;
  delegations: { delegation: { pubkey: string; expiration: string }; signature: string }[];
};

export type InternetIdentityOptions = {
  /** Keep the list of dev users here (the network's state directory); in memory without it. */
  stateDir?: string;
};

export class DevInternetIdentity {
  private readonly users = new Set<string>();

  constructor(
    private readonly network: LocalNetwork,
    private readonly options: InternetIdentityOptions = {},
  ) {
    const file = this.usersFile();
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { users?: unknown };
      for (const name of Array.isArray(saved.users) ? saved.users : [])
        if (typeof name === 'string' && USER_NAME.test(name)) this.users.add(name);
    }
  }

  /** The dev users, by name. */
  list(): string[] {
    return [...this.users].sort((a, b) => a.localeCompare(b));
  }

  /** The user's key for an app origin: an HMAC of both under the network's root secret key. */
  userKey(user: string, origin: string): Ed25519KeyIdentity {
    const message = new TextEncoder().encode(JSON.stringify(['localnet dev internet identity', checkOrigin(origin), checkUser(user)]));
    return Ed25519KeyIdentity.generate(hmac(sha256, this.network.certifier.secretKey, message));
  }

  /** The principal an app at this origin sees for the user (as msg_caller). */
  principalOf(user: string, origin: string): Principal {
    return this.userKey(user, origin).getPrincipal();
  }

  /** Signs a delegation from the user's key to the session key, creating the user if it is new. */
  async delegate(request: DelegateRequest): Promise<DelegateAnswer> {
    const user = checkUser(request.user);
    const origin = checkOrigin(request.origin);
    const sessionKey = checkSessionKey(request.sessionPublicKey);
    const timeToLive = checkTimeToLive(request.maxTimeToLive);
    const key = this.userKey(user, origin);
    // The network's clock, which is what checks the delegation (it follows the wall clock in `npm start`).
    const expiration = this.network.scheduler.time + timeToLive;
    const to: PublicKey = { toDer: () => sessionKey as DerEncodedPublicKey };
    const chain = await DelegationChain.create(key, to, new Date(Number(expiration / 1_000_000n)));
    this.remember(user);
    return {
      userPublicKey: hex(key.getPublicKey().toDer()),
      principal: key.getPrincipal().toText(),
      delegations: chain.delegations.map(({ delegation, signature }) => ({
        delegation: { pubkey: hex(delegation.pubkey), expiration: delegation.expiration.toString() },
        signature: hex(signature),
      })),
    };
  }

  private remember(user: string): void {
    if (this.users.has(user)) return;
    this.users.add(user);
    const file = this.usersFile();
    if (!file) return;
    // Owner-only, as everything in the state directory (src/localnet/state/persistence.ts).
    mkdirSync(this.options.stateDir!, { recursive: true, mode: 0o700 });
    // Written aside and renamed over the list, so a crash never leaves half a file that stops the next start.
    writeFileSync(`${file}.new`, JSON.stringify({ users: this.list() }, null, 2) + '\n', { mode: 0o600 });
    renameSync(`${file}.new`, file);
  }

  private usersFile(): string | null {
    return this.options.stateDir ? join(this.options.stateDir, USERS_FILE) : null;
  }
}

/**
 * Serves the dev Internet Identity on the gateway:
 * - GET  /internet-identity (and /internet-identity/): the page; apps pass this URL as identityProvider;
 * - GET  /internet-identity/users[?origin=<app origin>]: { users: [{ name, principal? }] };
 * - POST /internet-identity/delegate: a DelegateRequest as JSON; answers a DelegateAnswer, or
 *   { error, code } with status 400 (code invalid-user or invalid-request) or 403.
 * Both answer 403 (code forbidden) to a request from anywhere but the page itself (checkPageRequest).
 */
export function installInternetIdentity(gateway: Gateway, options: InternetIdentityOptions = {}): DevInternetIdentity {
  const identity = new DevInternetIdentity(gateway.network, options);
  const page = (_request: IncomingMessage, response: ServerResponse) => {
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // Everything is inline and nothing is fetched from elsewhere: the machine may be offline.
        'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      })
      .end(PAGE);
  };
  gateway.pages.set(INTERNET_IDENTITY_PATH, page);
  gateway.pages.set(`${INTERNET_IDENTITY_PATH}/`, page);
  gateway.pages.set(`${INTERNET_IDENTITY_PATH}/users`, (request, response) => {
    answer(response, () => {
      checkPageRequest(request);
      const origin = new URL(request.url ?? '/', 'http://localhost').searchParams.get('origin');
      return {
        users: identity.list().map((name) => (origin ? { name, principal: identity.principalOf(name, origin).toText() } : { name })),
      };
    });
  });
  gateway.posts.set(`${INTERNET_IDENTITY_PATH}/delegate`, (request, response) =>
    answer(response, async () => {
      checkPageRequest(request);
      return identity.delegate(await readJson(request));
    }),
  );
  return identity;
}

/** Answers the value as JSON, or a DevIdentityError as { error, code } with its status. */
async function answer(response: ServerResponse, produce: () => unknown): Promise<void> {
  let status = 200;
  let value: unknown;
  try {
    value = await produce();
  } catch (error) {
    if (!(error instanceof DevIdentityError)) throw error;
    status = error.status;
    value = { error: error.message, code: error.code };
  }
  const body = JSON.stringify(value);
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

/**
 * Only the page itself may list the dev users (which reveals their principals) or ask for
 * delegations, so that another site open in the same browser cannot sign in as a dev user behind
 * the person's back. A browser names the page's origin in a POST (and in a cross-origin GET), but
 * comparing it with the Host header alone proves nothing: under DNS rebinding the other site's own
 * name resolves to this gateway, and its requests carry that name as both Host and Origin. So the
 * Host must name this machine in a way no other site can: a loopback name or address, or the very
 * address the connection came in on (the one the gateway listens on, when that is not loopback).
 */
function checkPageRequest(request: IncomingMessage): void {
  const host = request.headers.host ?? '';
  const match = HOST_HEADER.exec(host);
  const name = (match?.[1] ?? match?.[2] ?? '').toLowerCase();
  const local = request.socket.localAddress?.toLowerCase();
  const loopback = name === 'localhost' || name === '::1' || (isIPv4(name) && name.startsWith('127.'));
  // A socket that listens on IPv6 and IPv4 at once reports IPv4 addresses as ::ffff:a.b.c.d.
  const listened = name !== '' && (name === local || `::ffff:${name}` === local);
  if (!loopback && !listened) {
    throw new DevIdentityError(
      403,
      'forbidden',
      `the dev Internet Identity answers only at localhost, 127.0.0.1, [::1] or the address it listens on, not at host ${JSON.stringify(host)}`,
    );
  }
  const origin = request.headers.origin;
  // `null` is an opaque origin: a sandboxed page, such as a canister's page served on this origin by the HTTP
  // gateway (`?canisterId=`, which it sandboxes), or a redirect. Never the page itself.
  if (origin === 'null') {
    throw new DevIdentityError(
      403,
      'forbidden',
      'only the dev Internet Identity page may ask for dev users and delegations, not origin null',
    );
  }
  if (origin !== undefined && origin !== `http://${host}`) {
    throw new DevIdentityError(
      403,
      'forbidden',
      `only the dev Internet Identity page may ask for dev users and delegations, not ${origin}`,
    );
  }
  if (fromCanisterPage(request)) {
    throw new DevIdentityError(
      403,
      'forbidden',
      `only the dev Internet Identity page may ask for dev users and delegations, not the canister page ${request.headers.referer}`,
    );
  }
}

/** A Referer that is a canister's page on this host (the gateway's `?canisterId=` form), not the dev II's. */
function fromCanisterPage(request: IncomingMessage): boolean {
  const referer = request.headers.referer;
  if (referer === undefined) return false;
  try {
    const from = new URL(referer);
    return from.host.toLowerCase() === (request.headers.host ?? '').toLowerCase() && from.searchParams.has('canisterId');
  } catch {
    return false;
  }
}

async function readJson(request: IncomingMessage): Promise<DelegateRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new DevIdentityError(400, 'invalid-request', `the request exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new DevIdentityError(400, 'invalid-request', 'the request must be JSON: { user, origin, sessionPublicKey, maxTimeToLive? }');
  }
  if (!value || typeof value !== 'object') throw new DevIdentityError(400, 'invalid-request', 'the request must be a JSON object');
  return value as DelegateRequest;
}

function checkUser(user: unknown): string {
  const name = typeof user === 'string' ? user.trim() : '';
  if (!USER_NAME.test(name))
    throw new DevIdentityError(400, 'invalid-user', 'a dev user name has 1 to 64 letters, digits, spaces or . _ @ -');
  return name;
}

function checkOrigin(origin: unknown): string {
  const text = typeof origin === 'string' ? origin : '';
  let url: URL | null = null;
  try {
    if (text.length <= 256) url = new URL(text);
  } catch {
    // refused below
  }
  if (!url || url.origin === 'null' || text !== url.origin) {
    throw new DevIdentityError(
      400,
      'invalid-request',
      `origin must be an app origin such as http://localhost:5173, not ${JSON.stringify(origin)}`,
    );
  }
  return url.origin;
}

function checkSessionKey(text: unknown): Uint8Array {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})+$/i.test(text) || text.length / 2 > MAX_SESSION_KEY_BYTES) {
    throw new DevIdentityError(
      400,
      'invalid-request',
      `sessionPublicKey must be a DER-encoded public key of at most ${MAX_SESSION_KEY_BYTES} bytes, in hex`,
    );
  }
  const key = new Uint8Array(Buffer.from(text, 'hex'));
  try {
    // Throws for a key the network could not verify requests with; the signature is beside the point.
    verifySignature(key, new Uint8Array(0), new Uint8Array(64));
  } catch (error) {
    if (error instanceof AuthError) throw new DevIdentityError(400, 'invalid-request', `sessionPublicKey: ${error.message}`);
    throw error;
  }
  return key;
}

function checkTimeToLive(text: unknown): bigint {
  if (text === undefined || text === null) return DEFAULT_MAX_TIME_TO_LIVE;
  if (typeof text !== 'string' || !/^\d{1,30}$/.test(text) || BigInt(text) === 0n) {
    throw new DevIdentityError(
      400,
      'invalid-request',
      `maxTimeToLive must be a positive number of nanoseconds, not ${JSON.stringify(text)}`,
    );
  }
  const timeToLive = BigInt(text);
  return timeToLive < MAX_TIME_TO_LIVE ? timeToLive : MAX_TIME_TO_LIVE;
}

function hex(bytes: Uint8Array | ArrayBuffer): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}
