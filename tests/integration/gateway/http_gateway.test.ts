// The HTTP gateway for canisters: plain HTTP clients reach a canister's http_request at
// http://<id>.localhost:<port>/ and at /?canisterId=<id>, and get only responses that verify against
// the network's root key, as from the boundary nodes. The web fixture (tests/fixtures/web) serves
// each case; the probe fixture has no http_request at all.
import { Cbor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { request as httpRequest } from 'node:http';
import type { LookupFunction } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { installCanisterPage } from '../../../src/localnet/gateway/canister_page.js';
import { MAX_REQUEST_BODY_BYTES } from '../../../src/localnet/gateway/http_gateway/index.js';
import { canisterIdFromIndex } from '../../../src/localnet/ids.js';
import { chunk, CHUNK_BYTES, LARGE_CHUNKS } from '../../fixtures/web/large.js';
import { PROBE_WASM } from '../localnet/probe.js';
import { type Served, serve } from './fixture.js';

const WEB_WASM = fileURLToPath(new URL('../../fixtures/.azle/web/web.wasm', import.meta.url));

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array; text: string };

/** Every *.localhost name is the loopback address, as browsers resolve it (Node's resolver does not). */
const localhost: LookupFunction = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  callback(new Error(`only *.localhost here, not ${hostname}`), '', 4);
};

/** A request to a real http://<id>.localhost:<port>/ URL through node:http. */
function get(
  url: string,
  { method = 'GET', body, headers }: { method?: string; body?: Uint8Array; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, lookup: localhost }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = new Uint8Array(Buffer.concat(chunks));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes, text: new TextDecoder().decode(bytes) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the HTTP gateway for canisters', () => {
  let served: Served;
  let web: Principal;
  let probe: Principal;
  let port: string;
  const at = (id: Principal, path: string, host = `${id.toText()}.localhost`) => `http://${host}:${port}${path}`;
  const byParam = (id: Principal, path: string, query = '') => `${served.url}${path}?canisterId=${id.toText()}${query}`;

  beforeAll(async () => {
    served = await serve();
    installCanisterPage(served.gateway);
    port = new URL(served.url).port;
    web = (await served.network.setupCanister({ wasm: WEB_WASM })).canisterId;
    probe = (await served.network.setupCanister({ wasm: PROBE_WASM })).canisterId;
  }, 60_000);
  afterAll(() => served?.close());

  it('serves a page certified with v2 at <id>.localhost and at ?canisterId=, passing on only what was certified', async () => {
    const viaHost = await get(at(web, '/'));
    expect(viaHost.status).toBe(200);
    expect(viaHost.text).toContain('<h1>Certified hello</h1>');
    expect(viaHost.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(viaHost.headers['x-uncertified']).toBeUndefined();

    const viaParam = await fetch(byParam(web, '/'));
    expect(viaParam.status).toBe(200);
    expect(await viaParam.text()).toContain('<h1>Certified hello</h1>');
    expect(viaParam.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(viaParam.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sandboxes what it serves on the network’s own origin (?canisterId=, Referer), not at <id>.localhost', async () => {
    const sandbox = 'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';
    const viaParam = await fetch(byParam(web, '/'));
    expect(viaParam.status).toBe(200);
    expect(viaParam.headers.get('content-security-policy')).toBe(sandbox);
    const viaReferer = await get(`${served.url}/skip`, { headers: { referer: byParam(web, '/') } });
    expect(viaReferer.status).toBe(200);
    expect(viaReferer.text).toBe('not certified, by choice');
    expect(viaReferer.headers['content-security-policy']).toBe(sandbox);
    const viaHost = await get(at(web, '/'));
    expect(viaHost.status).toBe(200);
    expect(viaHost.headers['content-security-policy']).toBeUndefined();
    const raw = await get(at(web, '/', `${web.toText()}.raw.localhost`));
    expect(raw.headers['content-security-policy']).toBeUndefined();
  });

  it('serves a page certified the legacy way (v1, http_assets) and a path the canister opts out of certification', async () => {
    const legacy = await fetch(byParam(web, '/legacy.html'));
    expect(legacy.status).toBe(200);
    expect(await legacy.text()).toContain('Certified the legacy way');

    const skipped = await get(at(web, '/skip'));
    expect(skipped.status).toBe(200);
    expect(skipped.text).toBe('not certified, by choice');
  });

  it('sends the canister the request as the spec encodes it, without the gateway’s own canisterId parameter', async () => {
    const answer = await fetch(byParam(web, '/echo', '&q=1'), { method: 'PUT', headers: { 'x-test': 'yes' }, body: 'hello' });
    expect(answer.status).toBe(200);
    const seen = (await answer.json()) as {
      method: string;
      url: string;
      headers: [string, string][];
      body: string;
      certificate_version: number[];
    };
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/echo?q=1');
    expect(seen.headers).toContainEqual(['x-test', 'yes']);
    expect(seen.body).toBe('hello');
    expect(seen.certificate_version).toEqual([2]);
  });

  it('refuses a response that does not match what the canister certified, with 503 and the reason', async () => {
    const v2 = await fetch(byParam(web, '/tampered'));
    expect(v2.status).toBe(503);
    const v2Text = await v2.text();
    expect(v2Text).toMatch(/Response verification failed/);
    expect(v2Text).toMatch(/hash of the request and response was not found/);
    expect(v2Text).not.toContain('never certified');

    const v1 = await get(at(web, '/tampered-legacy'));
    expect(v1.status).toBe(503);
    expect(v1.text).toMatch(/Response verification failed.*Invalid response body/);
  });

  it('refuses an uncertified response at a normal host and passes it on at <id>.raw.localhost', async () => {
    const refused = await get(at(web, '/uncertified'));
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/no IC-Certificate header/);

    const raw = await get(at(web, '/uncertified', `${web.toText()}.raw.localhost`));
    expect(raw.status).toBe(200);
    expect(raw.text).toBe('nobody certified this');
  });

  it('follows the streaming callback until the body is whole, and verifies the whole body', async () => {
    const large = await get(at(web, '/large'));
    expect(large.status).toBe(200);
    expect(large.body.length).toBe(CHUNK_BYTES * LARGE_CHUNKS);
    for (let i = 0; i < LARGE_CHUNKS; i++) expect(large.body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)).toEqual(chunk(i));
  });

  it('sends a request the canister upgrades (upgrade = opt true) again as the http_request_update update', async () => {
    const first = await fetch(byParam(web, '/increment'), { method: 'POST' });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('count=1');
    const second = await get(at(web, '/increment'), { method: 'POST' });
    expect(second.text).toBe('count=2');
    // The update changed the canister's state, which a later query sees.
    const reply = await served.network.queryCall({ canisterId: web, method: 'count_value', arg: new Uint8Array(IDL.encode([], [])) });
    expect(IDL.decode([IDL.Nat], Uint8Array.from(reply))).toEqual([2n]);
  });

  it('answers 404 for a canister that does not exist and for one without http_request, with the reason', async () => {
    const missing = canisterIdFromIndex(4242n);
    const none = await get(at(missing, '/'));
    expect(none.status).toBe(404);
    expect(none.text).toContain(`No canister ${missing.toText()}`);

    const noHttp = await fetch(byParam(probe, '/'));
    expect(noHttp.status).toBe(404);
    expect(await noHttp.text()).toMatch(/does not serve HTTP.*has no query method 'http_request'/);
  });

  it('answers 502 for a reply that is not an HttpResponse, 400 for a bad canisterId, 413 for a body over the cap', async () => {
    const malformed = await get(at(web, '/malformed'));
    expect(malformed.status).toBe(502);
    expect(malformed.text).toMatch(/http_request replied with something other than an HttpResponse/);

    const bad = await fetch(`${served.url}/?canisterId=not-a-canister`);
    expect(bad.status).toBe(400);

    const big = await fetch(byParam(web, '/echo'), { method: 'POST', body: new Uint8Array(MAX_REQUEST_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(/over 2097152 bytes/);
  });

  it('leaves /api to the network, and moves the canister info page to /_/canister', async () => {
    const status = await get(at(web, '/api/v2/status'));
    expect(status.status).toBe(200);
    expect(Cbor.decode<{ root_key: Uint8Array }>(status.body).root_key).toBeInstanceOf(Uint8Array);

    const page = await fetch(`${served.url}/_/canister?canisterId=${web.toText()}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(web.toText());
  });
});
