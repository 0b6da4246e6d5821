// The web app served as npm start serves it: the Azle asset canister installed by deploySuite under dfx.json's
// `frontend`, the built app (dist/frontend) and env.json uploaded with DFINITY's upload client (@dfinity/assets,
// src/deploy/web_app.ts), then fetched through the HTTP gateway at http://<id>.localhost:<port>/ and at
// /?canisterId=<id> (what such a page loads by relative URL found through its Referer), where every response is
// verified against the network's root key before it is passed on.
// Also: only the deployer uploads, a second upload of the same files changes nothing, a change uploads only what
// changed, and an upgrade keeps the assets. Prints the instructions an upload and a served page cost.
import { AssetManager } from '@dfinity/assets';
import { HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpRequest } from '../../../canisters/assets/types';
import { deploySuite } from '../../../src/deploy/suite';
import { localTarget } from '../../../src/deploy/target';
import { uploadWebApp, WEB_APP_DIR, webAppEnv } from '../../../src/deploy/web_app';
import { INSTRUCTION_LIMITS } from '../../../src/localnet/cycles';
import { installInternetIdentity } from '../../../src/localnet/gateway/internet_identity';
import { type AssetsService, idlFactory } from '../../../src/sdk/assets';
import { agentReject, type Served, serve } from '../gateway/fixture';

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array };

/** GET through the gateway with the Host header a browser sends for http://<host>:<port><path>. */
function get(port: number, host: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: `${host}:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the web app in the asset canister', () => {
  let served: Served;
  let port: number;
  let frontend: Principal;
  let agent: HttpAgent;
  let dir: string;
  const deployer = Ed25519KeyIdentity.generate();
  const stranger = Ed25519KeyIdentity.generate();
  let env: Record<string, string>;
  let jsAsset: string;

  beforeAll(async () => {
    if (!existsSync(join(WEB_APP_DIR, 'index.html'))) throw new Error('dist/frontend is missing: run npm run build');
    // A copy of the built app, so the test can change it.
    dir = await mkdtemp(join(tmpdir(), 'web-app-'));
    await cp(WEB_APP_DIR, dir, { recursive: true });
    jsAsset = `/assets/${readdirSync(join(dir, 'assets')).find((f) => /^index-.*\.js$/.test(f))}`;
    served = await serve();
    installInternetIdentity(served.gateway);
    port = Number(new URL(served.url).port);
    const { ids, outcomes } = await deploySuite(localTarget(served.network, deployer.getPrincipal()), {
      names: ['frontend'],
      deployer: deployer.getPrincipal(),
    });
    expect(outcomes.frontend).toBe('installed');
    frontend = ids.frontend;
    env = webAppEnv('local', served.url, ids);
    agent = await HttpAgent.create({ host: served.url, identity: deployer, shouldFetchRootKey: true });
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uploads the built app and env.json, and serves them verified at <id>.localhost and at ?canisterId=', async () => {
    const before = served.network.getCounters(frontend);
    const upload = await uploadWebApp({ agent, canisterId: frontend, dir, env });
    const after = served.network.getCounters(frontend);
    const files = readdirSync(join(dir, 'assets')).length + 2;
    expect(upload.uploaded.sort()).toHaveLength(files);
    expect(upload.uploaded).toContain('/env.json');
    expect(upload.uploaded).not.toContain('/.vite/manifest.json');
    console.log(
      `upload of ${files} files (${(upload.bytes / 1024).toFixed(0)} KB with gzip variants): ${after.messages - before.messages} ` +
        `update messages, ${(Number(after.instructions - before.instructions) / 1e6) | 0} M instructions`,
    );

    const index = readFileSync(join(dir, 'index.html'));
    const host = `${frontend.toText()}.localhost`;
    for (const [name, fetchPath, hostName] of [
      ['host', '/', host],
      ['query', `/?canisterId=${frontend.toText()}`, '127.0.0.1'],
    ] as const) {
      const page = await get(port, hostName, fetchPath);
      expect(page.status, name).toBe(200);
      expect(Buffer.from(page.body).equals(index), name).toBe(true);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
    }

    // A JS asset: gzip to a browser, identity to a client that accepts nothing else; cached for good (hashed names).
    const js = readFileSync(join(dir, jsAsset));
    for (const hostName of [host, '127.0.0.1']) {
      const path = hostName === host ? jsAsset : `${jsAsset}?canisterId=${frontend.toText()}`;
      const zipped = await get(port, hostName, path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(zipped.body.length).toBeLessThan(js.length / 2);
      expect(gunzipSync(zipped.body).equals(js)).toBe(true);
      const plain = await get(port, hostName, path, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(Buffer.from(plain.body).equals(js)).toBe(true);
    }

    // The configuration the app reads at run time, next to index.html.
    const config = await get(port, host, '/env.json');
    expect(config.headers['content-type']).toBe('application/json');
    expect(JSON.parse(text(config.body))).toEqual(env);
    expect(env.CANISTER_ID_FRONTEND).toBe(frontend.toText());

    // Any other path is the app (a single-page app routes in the browser), certified by the fallback.
    for (const [hostName, path] of [
      [host, '/wallet/activity'],
      ['127.0.0.1', `/assets/missing.js?canisterId=${frontend.toText()}`],
    ]) {
      const missing = await get(port, hostName, path);
      expect(missing.status).toBe(200);
      expect(Buffer.from(missing.body).equals(index)).toBe(true);
    }

    // DFINITY's client reads it back and finds it certified (the legacy http_assets tree, which it checks).
    const manager = new AssetManager({ agent, canisterId: frontend });
    const asset = await manager.get(jsAsset);
    expect(Buffer.from(await asset.toUint8Array()).equals(js)).toBe(true);
    expect(await asset.isCertified()).toBe(true);
  });

  it('serves what a page at ?canisterId= loads by relative URL through its Referer, but leaves the network its own pages', async () => {
    const page = `http://127.0.0.1:${port}/?canisterId=${frontend.toText()}`;
    const js = await get(port, '127.0.0.1', jsAsset, { referer: page, 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(gunzipSync(js.body).equals(readFileSync(join(dir, jsAsset)))).toBe(true);
    const config = await get(port, '127.0.0.1', '/env.json', { referer: page });
    expect(JSON.parse(text(config.body))).toEqual(env);
    // The dev Internet Identity the app opens, at the network's address, is the network's page, not the app.
    const identity = await get(port, '127.0.0.1', '/internet-identity', { referer: page });
    expect(text(identity.body)).toContain('authorize-client');
    // A Referer from another host names nothing here.
    expect((await get(port, '127.0.0.1', jsAsset, { referer: `http://elsewhere.test/?canisterId=${frontend.toText()}` })).status).toBe(404);
  });

  it('uploads nothing the second time, and only what changed after a change', async () => {
    const before = served.network.getCounters(frontend);
    const again = await uploadWebApp({ agent, canisterId: frontend, dir, env });
    expect(again.uploaded).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(served.network.getCounters(frontend).messages).toBe(before.messages);

    await writeFile(join(dir, 'assets', 'added.css'), 'body { color: red }\n');
    await rm(join(dir, 'favicon.ico'), { force: true });
    const changed = await uploadWebApp({ agent, canisterId: frontend, dir, env: { ...env, II_URL: 'http://127.0.0.1:1/ii' } });
    expect(changed.uploaded.sort()).toEqual(['/assets/added.css', '/env.json']);
    const css = await get(port, `${frontend.toText()}.localhost`, '/assets/added.css');
    expect(text(css.body)).toBe('body { color: red }\n');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    await rm(join(dir, 'assets', 'added.css'));
    const removed = await uploadWebApp({ agent, canisterId: frontend, dir, env });
    expect(removed.removed).toEqual(['/assets/added.css']);
    expect(removed.uploaded).toEqual(['/env.json']);
    // Gone: the fallback (the app) answers there now.
    const gone = await get(port, `${frontend.toText()}.localhost`, '/assets/added.css');
    expect(text(gone.body)).toContain('<!doctype html>');
  });

  it('refuses uploads from anyone but its controllers, anonymous callers included', async () => {
    const content = new TextEncoder().encode('defaced');
    const arg = { key: '/index.html', content_type: 'text/html', content_encoding: 'identity', content, sha256: [] as [] };
    for (const identity of [undefined, stranger]) {
      const other = await HttpAgent.create({ host: served.url, identity, shouldFetchRootKey: true });
      const actor = (await import('@dfinity/agent')).Actor.createActor<AssetsService>(idlFactory, { agent: other, canisterId: frontend });
      const refused = await agentReject(actor.store(arg));
      expect(refused.message).toMatch(/inspect|refused|rejected|may not/i);
      await expect(uploadWebApp({ agent: other, canisterId: frontend, dir, env: { ...env, X: 'y' } })).rejects.toThrow();
    }
    const page = await get(port, `${frontend.toText()}.localhost`, '/');
    expect(text(page.body)).not.toContain('defaced');
    // A controller may authorize another uploader, and only a controller may.
    const owner = (await import('@dfinity/agent')).Actor.createActor<AssetsService>(idlFactory, { agent, canisterId: frontend });
    await owner.authorize(stranger.getPrincipal());
    expect((await owner.list_authorized()).map((p) => p.toText())).toEqual([stranger.getPrincipal().toText()]);
    await owner.deauthorize(stranger.getPrincipal());
    expect(await owner.list_authorized()).toEqual([]);
  });

  it('keeps its assets across an upgrade, still certified', async () => {
    const { outcomes } = await deploySuite(localTarget(served.network, deployer.getPrincipal()), {
      names: ['frontend'],
      deployer: deployer.getPrincipal(),
      known: { frontend },
    });
    expect(outcomes.frontend).toBe('unchanged');
    const wasm = readFileSync('.azle/frontend/frontend.wasm');
    await served.network.upgradeCanister({ canisterId: frontend, wasm, sender: deployer.getPrincipal() });
    const page = await get(port, `${frontend.toText()}.localhost`, '/');
    expect(page.status).toBe(200);
    expect(Buffer.from(page.body).equals(readFileSync(join(dir, 'index.html')))).toBe(true);
    const js = await get(port, `${frontend.toText()}.localhost`, jsAsset, { 'accept-encoding': 'gzip' });
    expect(gunzipSync(js.body).equals(readFileSync(join(dir, jsAsset)))).toBe(true);
    expect((await uploadWebApp({ agent, canisterId: frontend, dir, env })).uploaded).toEqual([]);
  });

  it('serves a page within the query instruction limit (measured on the canister, as the scheduler runs it)', () => {
    const canister = served.network.scheduler.canister(frontend)!;
    const cost = (path: string, encoding: string): bigint => {
      const arg = new Uint8Array(
        IDL.encode(
          [HttpRequest],
          [{ method: 'GET', url: path, headers: [['accept-encoding', encoding]], body: new Uint8Array(), certificate_version: [2] }],
        ),
      );
      const outcome = canister.run(
        {
          kind: 'NRQ',
          method: 'http_request',
          arg,
          caller: new Uint8Array([4]),
          time: served.network.scheduler.time,
          cyclesAvailable: 0n,
          canReply: true,
          certificate: () => new Uint8Array(1200),
        },
        (i) => i.export('canister_query http_request')!(),
        INSTRUCTION_LIMITS.query,
      );
      canister.rollback();
      if (!outcome.ok) throw outcome.trap;
      return outcome.instructions;
    };
    const figures = {
      index: cost('/', 'gzip'),
      jsGzip: cost(jsAsset, 'gzip'),
      jsIdentity: cost(jsAsset, 'identity'),
      fallback: cost('/no/such/page', 'gzip'),
    };
    console.log(
      'http_request instructions:',
      Object.entries(figures)
        .map(([k, v]) => `${k} ${(Number(v) / 1e6).toFixed(1)} M`)
        .join(', '),
    );
    for (const value of Object.values(figures)) expect(value).toBeLessThan(INSTRUCTION_LIMITS.query / 10n);
  });
});
