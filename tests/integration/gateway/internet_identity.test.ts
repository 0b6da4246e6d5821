// The dev Internet Identity: its page's own script, fetched from the gateway and run in a tiny fake
// browser, speaks II's postMessage protocol to an opener (the test playing @dfinity/auth-client, and
// the real AuthClient), signs in dev users, and the delegations it hands out give principals that a
// canister sees as msg_caller, stable across logins of the same user.
import { type DerEncodedPublicKey, HttpAgent, type Signature } from '@dfinity/agent';
import { AuthClient, type AuthClientStorage } from '@dfinity/auth-client';
import { Delegation, DelegationChain, DelegationIdentity, Ed25519KeyIdentity, isDelegationValid } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { installInternetIdentity } from '../../../src/localnet/gateway/internet_identity.js';
import { Gateway } from '../../../src/localnet/gateway/server.js';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { setupProbe } from '../localnet/probe.js';
import { agentFor, probeActor, type Served, serve } from './fixture.js';

const APP = 'http://localhost:5173';
const OTHER_APP = 'http://127.0.0.1:8080';
const HOUR = 3_600_000_000_000n;

let served: Served;
let pageUrl: string;
let probe: Principal;

beforeAll(async () => {
  served = await serve();
  installInternetIdentity(served.gateway);
  pageUrl = `${served.url}/internet-identity`;
  probe = (await setupProbe(served.network)).canisterId;
});

afterAll(async () => {
  await served?.close();
});

// A tiny browser: windows with an origin that post structured-cloned messages to each other, and a
// DOM with just what the page's script touches.

type MessageEvent = { data: any; origin: string; source: WindowHandle };
type WindowHandle = { postMessage(data: unknown, targetOrigin: string): void; close(): void; readonly closed: boolean };

class FakeWindow {
  readonly listeners = new Set<(event: MessageEvent) => void>();
  readonly received: any[] = [];
  closed = false;
  constructor(readonly origin: string) {}

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    if (type === 'message') this.listeners.add(listener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener);
  }

  private readonly handles = new Map<FakeWindow, WindowHandle>();

  /** This window as `from` sees it (one object, as window.opener is): its postMessage delivers events that carry `from`'s origin. */
  handleFor(from: FakeWindow): WindowHandle {
    const known = this.handles.get(from);
    if (known) return known;
    const target = this;
    const handle: WindowHandle = {
      postMessage(data, targetOrigin) {
        // A browser drops a message whose target origin does not match, and clones the rest.
        if (targetOrigin !== '*' && targetOrigin !== target.origin) return;
        const event = { data: structuredClone(data), origin: from.origin, source: from.handleFor(target) };
        setTimeout(() => {
          target.received.push(event.data);
          for (const listener of [...target.listeners]) listener(event);
        });
      },
      close: () => {
        target.closed = true;
      },
      get closed() {
        return target.closed;
      },
    };
    this.handles.set(from, handle);
    return handle;
  }

  /** The next message to arrive (or one that already did and was not taken yet). */
  async next(kind?: string): Promise<any> {
    await until(() => this.received.some((m) => !kind || m.kind === kind));
    const index = this.received.findIndex((m) => !kind || m.kind === kind);
    return this.received.splice(index, 1)[0];
  }
}

class FakeElement {
  textContent = '';
  value = '';
  className = '';
  type = '';
  disabled = false;
  children: FakeElement[] = [];
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor(readonly tagName: string) {}

  append(...nodes: FakeElement[]): void {
    this.children.push(...nodes);
  }

  replaceChildren(...nodes: FakeElement[]): void {
    this.children = nodes;
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ type, preventDefault() {} });
  }

  *descendants(): Generator<FakeElement> {
    for (const child of this.children) (yield child, yield* child.descendants());
  }
}

/** The page loaded in a window: its elements by id, and what a person does on it. */
class Page {
  readonly elements = new Map<string, FakeElement>();
  constructor(readonly window: FakeWindow) {}

  element(id: string): FakeElement {
    const element = this.elements.get(id);
    if (!element) throw new Error(`the page has no #${id}`);
    return element;
  }

  /** The dev users listed, with the principal shown for each. */
  users(): { name: string; principal: string }[] {
    return [...this.element('users').descendants()]
      .filter((e) => e.tagName === 'button')
      .map((b) => ({ name: b.textContent, principal: b.children.find((c) => c.tagName === 'small')?.textContent ?? '' }));
  }

  /** Waits until an app's request arrived, then types a name into the form and submits it. */
  async create(name: string): Promise<void> {
    await until(() => this.element('request').textContent.startsWith('An app asks'));
    this.element('name').value = name;
    this.element('new-user').dispatch('submit');
  }

  /** Waits for the user's button in the list, then clicks it. */
  async pick(name: string): Promise<void> {
    let button: FakeElement | undefined;
    await until(
      () =>
        (button = [...this.element('users').descendants()].find((e) => e.tagName === 'button' && e.textContent === name && !e.disabled)) !==
        undefined,
    );
    button!.dispatch('click');
  }
}

/** Fetches the page from the gateway and runs its inline script in a window opened by `opener`. */
async function loadPage(url: string, window: FakeWindow, opener: FakeWindow | null): Promise<Page> {
  const html = await (await fetch(url)).text();
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('the page has no inline script');
  const page = new Page(window);
  const location = new URL(url);
  const document = {
    // Only elements the HTML declares, so the script and the markup cannot drift apart.
    getElementById(id: string) {
      if (!html.includes(`id="${id}"`)) return null;
      if (!page.elements.has(id))
        page.elements.set(
          id,
          new FakeElement(/<(\w+)[^>]*id="([^"]+)"/.exec(html.slice(html.lastIndexOf('<', html.indexOf(`id="${id}"`))))![1]),
        );
      return page.elements.get(id)!;
    },
    createElement: (tag: string) => new FakeElement(tag),
  };
  const context = vm.createContext({
    document,
    console,
    URL,
    location: { hash: location.hash, origin: location.origin },
    opener: opener ? opener.handleFor(window) : null,
    fetch: (path: string, init?: RequestInit) => fetch(new URL(path, url), init),
    addEventListener: window.addEventListener.bind(window),
    close: () => {
      window.closed = true;
    },
  });
  context.window = context;
  vm.runInContext(script, context, { filename: 'internet-identity page' });
  return page;
}

/** Opens the page from an app window, as auth-client's window.open does. */
async function open(app: FakeWindow, url = `${pageUrl}#authorize`): Promise<Page> {
  return loadPage(url, new FakeWindow(new URL(url).origin), app);
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Logs in as auth-client does: waits for authorize-ready, sends authorize-client with the session
 * key, and lets `act` play the person on the page; resolves with the page's answer.
 */
async function authorize(
  app: FakeWindow,
  session: { sessionPublicKey: Uint8Array; maxTimeToLive?: bigint; derivationOrigin?: string },
  act: (page: Page) => Promise<void>,
) {
  const page = await open(app);
  const ready = await app.next();
  expect(ready).toEqual({ kind: 'authorize-ready' });
  page.window
    .handleFor(app)
    .postMessage({ kind: 'authorize-client', allowPinAuthentication: undefined, ...session }, new URL(pageUrl).origin);
  await act(page);
  return { page, answer: await app.next() };
}

/** The identity auth-client builds from a success message (its _handleSuccess). */
function identityFrom(message: any, key: Ed25519KeyIdentity): DelegationIdentity {
  const delegations = message.delegations.map((signed: any) => ({
    delegation: new Delegation(signed.delegation.pubkey, signed.delegation.expiration, signed.delegation.targets),
    signature: signed.signature as Signature,
  }));
  const chain = DelegationChain.fromDelegations(delegations, message.userPublicKey as DerEncodedPublicKey);
  return DelegationIdentity.fromDelegation(key, chain);
}

async function whoami(identity: DelegationIdentity): Promise<Principal> {
  return probeActor(await agentFor(served.url, identity), probe).whoami();
}

/** A request straight over node:http, which sends the Host header it is given (fetch sets its own). */
function rawRequest(
  url: string,
  path: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {},
): Promise<{ status: number; json: any }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, path, method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response
          .on('data', (chunk: Buffer) => chunks.push(chunk))
          .on('end', () => resolve({ status: response.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }))
          .on('error', reject);
      },
    );
    outgoing.on('error', reject).end(body);
  });
}

/** The page's two requests (the users list and a delegation for `user`), sent with the given Host and Origin. */
async function pageRequests(url: string, host: string, origin?: string, user = 'alice') {
  const headers = { host, ...(origin ? { origin } : {}) };
  const users = await rawRequest(url, `/internet-identity/users?origin=${encodeURIComponent(APP)}`, { headers });
  const delegate = await rawRequest(url, '/internet-identity/delegate', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      user,
      origin: APP,
      sessionPublicKey: Buffer.from(Ed25519KeyIdentity.generate().getPublicKey().toDer()).toString('hex'),
    }),
  });
  return { users, delegate };
}

/** Logs a dev user in through the page with a fresh session key; the canister's view of the caller. */
async function login(name: string, { create = false, app = APP } = {}) {
  const key = Ed25519KeyIdentity.generate();
  const { answer } = await authorize(
    new FakeWindow(app),
    { sessionPublicKey: new Uint8Array(key.getPublicKey().toDer()), maxTimeToLive: 8n * HOUR },
    (page) => (create ? page.create(name) : page.pick(name)),
  );
  expect(answer.kind).toBe('authorize-client-success');
  const identity = identityFrom(answer, key);
  return { answer, identity, principal: Principal.selfAuthenticating(answer.userPublicKey), caller: await whoami(identity) };
}

describe('the page', () => {
  it('is served at /internet-identity, self-contained, with one inline script', async () => {
    for (const path of ['/internet-identity', '/internet-identity/']) {
      const response = await fetch(`${served.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await response.text();
      expect(html).toContain('<script>');
      expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    }
  });

  it('opened directly (no opener), lists the dev users and says how to use it', async () => {
    const page = await loadPage(pageUrl, new FakeWindow(new URL(pageUrl).origin), null);
    await until(() => page.element('request').textContent.includes('identityProvider'));
    expect(page.element('request').textContent).toContain(`${served.url}/internet-identity`);
  });
});

describe('login through the page', () => {
  let alice: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    alice = await login('alice', { create: true });
  });

  it('answers authorize-client-success with a delegation to the session key that the canister accepts', async () => {
    const { answer, principal, caller, identity } = alice;
    expect(answer.authnMethod).toBe('passkey');
    expect(answer.delegations).toHaveLength(1);
    const { delegation } = answer.delegations[0];
    expect(delegation.targets).toBeUndefined();
    expect(typeof delegation.expiration).toBe('bigint');
    // 8 hours from the network's now (which follows the wall clock).
    const now = BigInt(Date.now()) * 1_000_000n;
    expect(delegation.expiration).toBeGreaterThan(now + 8n * HOUR - 60n * 1_000_000_000n);
    expect(delegation.expiration).toBeLessThanOrEqual(now + 8n * HOUR + 60n * 1_000_000_000n);
    expect(isDelegationValid(identity.getDelegation())).toBe(true);
    expect(caller.toText()).toBe(principal.toText());
    expect(identity.getPrincipal().toText()).toBe(principal.toText());
    expect(principal.isAnonymous()).toBe(false);
  });

  it('gives the same dev user the same principal on a new login with a new session key', async () => {
    const again = await login('alice');
    expect(again.caller.toText()).toBe(alice.principal.toText());
    expect(Buffer.from(again.answer.delegations[0].delegation.pubkey)).not.toEqual(
      Buffer.from(alice.answer.delegations[0].delegation.pubkey),
    );
  });

  it('gives another dev user another principal', async () => {
    const bob = await login('bob', { create: true });
    expect(bob.caller.toText()).toBe(bob.principal.toText());
    expect(bob.principal.toText()).not.toBe(alice.principal.toText());
  });

  it('gives the same user another principal in another app origin, as the real II does', async () => {
    const elsewhere = await login('alice', { app: OTHER_APP });
    expect(elsewhere.caller.toText()).not.toBe(alice.principal.toText());
    // ...and stays stable there too.
    expect((await login('alice', { app: OTHER_APP })).caller.toText()).toBe(elsewhere.caller.toText());
  });

  it('lists the dev users with the principal each has in the asking app', async () => {
    const { page } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer()) },
      (page) => page.pick('alice'),
    );
    expect(page.element('app').textContent).toBe(APP);
    expect(page.users()).toContainEqual({ name: 'alice', principal: alice.principal.toText() });
    expect(page.users().map((u) => u.name)).toContain('bob');
    expect(page.window.closed).toBe(true);
  });

  it("accepts a derivationOrigin that names the app's own origin", async () => {
    const key = Ed25519KeyIdentity.generate();
    const { answer } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(key.getPublicKey().toDer()), derivationOrigin: `${APP}/` },
      (page) => page.pick('alice'),
    );
    expect(answer.kind).toBe('authorize-client-success');
    expect((await whoami(identityFrom(answer, key))).toText()).toBe(alice.principal.toText());
  });

  it("refuses a derivationOrigin of another origin, which would hand out that app's principals", async () => {
    const app = new FakeWindow(APP);
    const page = await open(app);
    await app.next('authorize-ready');
    page.window.handleFor(app).postMessage(
      {
        kind: 'authorize-client',
        sessionPublicKey: new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer()),
        derivationOrigin: `${OTHER_APP}/`,
      },
      new URL(pageUrl).origin,
    );
    // At once, before anyone picks a user: there is nothing to pick for.
    expect(await app.next()).toEqual({
      kind: 'authorize-client-failure',
      text: expect.stringMatching(new RegExp(`^Invalid derivationOrigin "${OTHER_APP}/" for the app at ${APP}: .*own origin`)),
    });
    expect(page.element('status').className).toBe('error');
    expect(page.element('request').textContent).not.toContain('An app asks');
    expect(page.users().every((user) => user.principal === '')).toBe(true);
  });
});

describe('the real @dfinity/auth-client', () => {
  it('logs in through the page unchanged (its default ECDSA session key) and its identity calls the canister', async () => {
    const app = new FakeWindow(APP);
    let page: Promise<Page> | undefined;
    const memory = new Map<string, unknown>();
    const storage: AuthClientStorage = {
      get: async (key) => (memory.get(key) as string) ?? null,
      set: async (key, value) => void memory.set(key, value),
      remove: async (key) => void memory.delete(key),
    };
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // about CryptoKeys in a custom storage
    vi.stubGlobal('window', {
      addEventListener: app.addEventListener.bind(app),
      removeEventListener: app.removeEventListener.bind(app),
      open(url: string) {
        const idp = new FakeWindow(new URL(url).origin);
        page = loadPage(url, idp, app);
        return idp.handleFor(app);
      },
    });
    let client: AuthClient;
    try {
      client = await AuthClient.create({ storage, idleOptions: { disableIdle: true } });
      const done = new Promise<void>((resolve, reject) => {
        void client.login({ identityProvider: pageUrl, onSuccess: () => resolve(), onError: (error) => reject(new Error(error)) });
      });
      await until(() => page !== undefined);
      await (await page!).pick('alice');
      await done;
    } finally {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    }
    expect(await client.isAuthenticated()).toBe(true);
    expect((await page!).window.closed).toBe(true); // auth-client closes the window it opened
    const identity = client.getIdentity() as DelegationIdentity;
    const expected = (await login('alice')).principal;
    expect(identity.getPrincipal().toText()).toBe(expected.toText());
    expect((await whoami(identity)).toText()).toBe(expected.toText());
  });
});

describe('time to live', () => {
  const expirationFor = async (maxTimeToLive?: bigint) => {
    const key = Ed25519KeyIdentity.generate();
    const before = BigInt(Date.now()) * 1_000_000n;
    const { answer } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(key.getPublicKey().toDer()), maxTimeToLive },
      (page) => page.pick('alice'),
    );
    expect(answer.kind).toBe('authorize-client-success');
    return { ttl: answer.delegations[0].delegation.expiration - before, identity: identityFrom(answer, key) };
  };

  it('is 30 minutes when the app names none, and at most 30 days (as II)', async () => {
    const none = await expirationFor(undefined);
    expect(none.ttl).toBeGreaterThan(29n * 60n * 1_000_000_000n);
    expect(none.ttl).toBeLessThanOrEqual(31n * 60n * 1_000_000_000n);
    const year = await expirationFor(365n * 24n * HOUR);
    expect(year.ttl).toBeGreaterThan(30n * 24n * HOUR - HOUR);
    expect(year.ttl).toBeLessThanOrEqual(30n * 24n * HOUR + HOUR);
  });

  it('ends the session when a short delegation expires', async () => {
    const { identity } = await expirationFor(10_000_000_000n);
    const actor = async (verifyQuerySignatures: boolean) =>
      probeActor(
        await HttpAgent.create({ host: served.url, identity, shouldFetchRootKey: true, verifyQuerySignatures, retryTimes: 0 }),
        probe,
      );
    expect((await (await actor(true)).whoami()).toText()).toBe(identity.getPrincipal().toText());
    await served.network.advanceTime(15_000);
    // The agent logs the refused read of the subnet's keys.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect((await actor(true)).whoami()).rejects.toThrow();
      // Without query signature checks (which first read the subnet's keys) the agent reports the gateway's reason.
      await expect((await actor(false)).whoami()).rejects.toThrow(/delegation 0 expired/);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('refusals', () => {
  it('answers authorize-client-failure when the session key is not a key the network accepts', async () => {
    const { answer, page } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(16).fill(7), maxTimeToLive: HOUR },
      (page) => page.pick('alice'),
    );
    expect(answer).toEqual({ kind: 'authorize-client-failure', text: expect.stringContaining('sessionPublicKey') });
    expect(page.element('status').className).toBe('error');
  });

  it('answers authorize-client-failure for a zero time to live', async () => {
    const { answer } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer()), maxTimeToLive: 0n },
      (page) => page.pick('alice'),
    );
    expect(answer).toEqual({ kind: 'authorize-client-failure', text: expect.stringContaining('maxTimeToLive') });
  });

  it('lets the person fix a bad user name without failing the login', async () => {
    const app = new FakeWindow(APP);
    const key = Ed25519KeyIdentity.generate();
    const { answer, page } = await authorize(app, { sessionPublicKey: new Uint8Array(key.getPublicKey().toDer()) }, async (page) => {
      await page.create('<script>');
      expect(page.element('status').textContent).toContain('1 to 64 letters');
      await page.create('carol');
    });
    expect(answer.kind).toBe('authorize-client-success');
    expect(app.received).toEqual([]);
    expect(page.users().map((u) => u.name)).not.toContain('<script>');
  });

  it('tells the app when the person cancels', async () => {
    const { answer, page } = await authorize(
      new FakeWindow(APP),
      { sessionPublicKey: new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer()) },
      async (page) => {
        await until(() => page.users().length > 0);
        page.element('cancel').dispatch('click');
      },
    );
    expect(answer).toEqual({ kind: 'authorize-client-failure', text: 'UserInterrupt' });
    expect(page.window.closed).toBe(true);
  });

  it('ignores messages from windows other than its opener', async () => {
    const app = new FakeWindow(APP);
    const page = await open(app);
    await app.next('authorize-ready');
    const stranger = new FakeWindow('http://evil.example');
    page.window
      .handleFor(stranger)
      .postMessage(
        { kind: 'authorize-client', sessionPublicKey: new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer()) },
        '*',
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(page.element('request').textContent).not.toContain('An app asks');
  });

  it('refuses delegation requests that another site sends from a browser', async () => {
    const response = await fetch(`${served.url}/internet-identity/delegate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({
        user: 'alice',
        origin: APP,
        sessionPublicKey: Buffer.from(Ed25519KeyIdentity.generate().getPublicKey().toDer()).toString('hex'),
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'forbidden' });
  });

  it('refuses the users list and delegations to a site whose own name rebinds to this gateway (DNS rebinding)', async () => {
    const port = new URL(served.url).port;
    for (const host of [`evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
      // The rebound page is same-origin with itself: its POST names its own origin, its GET none.
      for (const origin of [`http://${host}`, undefined]) {
        const { users, delegate } = await pageRequests(served.url, host, origin);
        expect(users).toMatchObject({ status: 403, json: { code: 'forbidden', error: expect.stringContaining(host) } });
        expect(delegate).toMatchObject({ status: 403, json: { code: 'forbidden' } });
      }
    }
  });

  it('answers the page at loopback names and addresses, whichever of them the browser used', async () => {
    const port = new URL(served.url).port;
    for (const host of [
      `localhost:${port}`,
      `LocalHost:${port}`,
      `127.0.0.1:${port}`,
      `127.8.9.10:${port}`,
      `[::1]:${port}`,
      'localhost',
    ]) {
      const { users, delegate } = await pageRequests(served.url, host, `http://${host}`);
      expect(users.status).toBe(200);
      expect(users.json.users).toContainEqual({ name: 'alice', principal: expect.any(String) });
      expect(delegate.status).toBe(200);
      expect(delegate.json.principal).toBe(users.json.users.find((u: { name: string }) => u.name === 'alice').principal);
    }
  });

  it("refuses a loopback host when the Origin is not that host's page", async () => {
    const host = new URL(served.url).host;
    for (const origin of [APP, `https://${host}`, 'null']) {
      const { users, delegate } = await pageRequests(served.url, host, origin);
      expect(users).toMatchObject({ status: 403, json: { code: 'forbidden', error: expect.stringContaining(origin) } });
      expect(delegate).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    }
  });

  it('refuses a delegation to a sandboxed page (Origin: null) and to a canister page served on its origin', async () => {
    const host = new URL(served.url).host;
    const nullOrigin = await pageRequests(served.url, host, 'null');
    expect(nullOrigin.delegate).toMatchObject({ status: 403, json: { code: 'forbidden', error: expect.stringContaining('null') } });
    // Without an Origin (the GET of a same-origin page) or with the page's own, but sent by a canister's page at ?canisterId=.
    for (const origin of [undefined, `http://${host}`]) {
      const referer = `http://${host}/?canisterId=${probe.toText()}`;
      const users = await rawRequest(served.url, `/internet-identity/users`, { headers: { host, referer, ...(origin ? { origin } : {}) } });
      expect(users).toMatchObject({ status: 403, json: { code: 'forbidden', error: expect.stringContaining('canister page') } });
    }
  });

  const lan = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!lan)('answers at the non-loopback address it listens on, and a loopback gateway does not answer at it', async () => {
    const gateway = new Gateway(served.network);
    installInternetIdentity(gateway);
    const url = await gateway.listen({ host: lan, port: 0 });
    try {
      const port = new URL(url).port;
      const own = await pageRequests(url, `${lan}:${port}`, `http://${lan}:${port}`);
      expect([own.users.status, own.delegate.status]).toEqual([200, 200]);
      const rebound = await pageRequests(url, `evil.example:${port}`, `http://evil.example:${port}`);
      expect([rebound.users.status, rebound.delegate.status]).toEqual([403, 403]);
      // Another machine's address is not where this gateway listens.
      const other = await pageRequests(url, `192.0.2.123:${port}`, `http://192.0.2.123:${port}`);
      expect([other.users.status, other.delegate.status]).toEqual([403, 403]);
    } finally {
      await gateway.close();
    }
    const onLoopback = await pageRequests(served.url, `${lan}:${new URL(served.url).port}`);
    expect([onLoopback.users.status, onLoopback.delegate.status]).toEqual([403, 403]);
  });

  it('answers a malformed request with a clear error', async () => {
    const response = await fetch(`${served.url}/internet-identity/delegate`, { method: 'POST', body: 'not json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid-request' });
  });
});

describe('dev users', () => {
  it('are kept in the state directory, and keep their principals when the network stops and starts again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-ii-'));
    // As npm start does: the network and the dev Internet Identity keep their state in one folder.
    const start = async () => {
      const network = await LocalNetwork.create({ stateDir: dir });
      const gateway = new Gateway(network);
      installInternetIdentity(gateway, { stateDir: dir });
      const url = await gateway.listen({ port: 0 });
      return {
        url,
        async stop() {
          await gateway.close();
          await network.stop();
        },
      };
    };
    let running = await start();
    try {
      const { delegate } = await pageRequests(running.url, new URL(running.url).host, undefined, 'dave');
      expect(delegate.status).toBe(200);
      // stop() saves the network into the same folder, which must leave the users' file alone.
      await running.stop();
      running = await start();
      const { users } = await pageRequests(running.url, new URL(running.url).host);
      expect(users.json).toEqual({ users: [{ name: 'dave', principal: delegate.json.principal }] });
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
