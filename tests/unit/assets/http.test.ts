// The asset canister's serving and certification (canisters/assets/http.ts and certify.ts) outside the canister:
// each response, with its pruned witness, is checked by DFINITY's own verifier (@dfinity/response-verification,
// what the HTTP gateway runs) against a certificate the local network's certifier signs over the tree's root hash.
import { Principal } from '@dfinity/principal';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';

import { certify } from '../../../canisters/assets/certify';
import { accepted, pathOf, serveHttp, streamingCallback } from '../../../canisters/assets/http';
import { AssetStore } from '../../../canisters/assets/store';
import type { HttpRequest, HttpResponse } from '../../../canisters/assets/types';
import { Certifier } from '../../../src/localnet/certification/certifier';
import { memoryTables } from './tables';

const canisterId = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
const certifier = new Certifier();
const NOW = 1_800_000_000_000_000_000n;
const utf8 = (text: string) => new TextEncoder().encode(text);

const INDEX_HTML = utf8('<!doctype html><title>app</title><script src="./assets/app.js"></script>');
const APP_JS = utf8('console.log("hello");\n'.repeat(200));

let store: AssetStore;

beforeEach(() => {
  store = new AssetStore(memoryTables());
  store.store({ key: '/index.html', content_type: 'text/html', content_encoding: 'identity', content: INDEX_HTML, sha256: [] }, NOW);
  store.createAsset({
    key: '/assets/app.js',
    content_type: 'text/javascript',
    max_age: [],
    headers: [[['cache-control', 'public, max-age=31536000, immutable']]],
    enable_aliasing: [],
    allow_raw_access: [],
  });
  const batch = store.createBatch(NOW);
  const identity = store.createChunk(batch, APP_JS, NOW);
  const gzip = store.createChunk(batch, new Uint8Array(gzipSync(APP_JS)), NOW);
  store.commitBatch(
    batch,
    [
      { SetAssetContent: { key: '/assets/app.js', content_encoding: 'identity', chunk_ids: [identity], sha256: [] } },
      { SetAssetContent: { key: '/assets/app.js', content_encoding: 'gzip', chunk_ids: [gzip], sha256: [] } },
    ],
    NOW,
  );
});

function get(url: string, headers: [string, string][] = [], version: number | null = 2): { request: HttpRequest; response: HttpResponse } {
  const certified = certify(store.assets);
  const certificate = certifier.dataCertificate(canisterId, certified.root, NOW);
  const request: HttpRequest = {
    method: 'GET',
    url,
    headers,
    body: new Uint8Array(),
    certificate_version: version === null ? [] : [version],
  };
  const response = serveHttp(request, { store, certified, certificate, self: canisterId });
  return { request, response };
}

/** The whole body: the first chunk and every streamed one. */
function bodyOf(response: HttpResponse): Uint8Array {
  const parts = [response.body];
  let token = response.streaming_strategy[0]?.Callback.token;
  while (token) {
    const next = streamingCallback(token, store);
    parts.push(next.body);
    token = next.token[0];
  }
  return new Uint8Array(Buffer.concat(parts));
}

function verify({ request, response }: { request: HttpRequest; response: HttpResponse }, minVersion = 2) {
  const result = verifyRequestResponsePair(
    request,
    { status_code: response.status_code, headers: response.headers, body: bodyOf(response) },
    canisterId.toUint8Array(),
    NOW,
    300_000_000_000n,
    certifier.derPublicKey,
    minVersion,
  );
  return result;
}

const header = (response: HttpResponse, name: string) => response.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('serving assets certified with v2', () => {
  it('serves / as index.html, certified at its exact path', () => {
    const served = get('/');
    expect(served.response.status_code).toBe(200);
    expect(served.response.body).toEqual(INDEX_HTML);
    expect(header(served.response, 'content-type')).toBe('text/html');
    const verified = verify(served);
    expect(verified.verificationVersion).toBe(2);
    expect(verified.response?.statusCode).toBe(200);
    expect(Uint8Array.from(verified.response!.body)).toEqual(INDEX_HTML);
  });

  it('serves gzip to a client that accepts it and identity to one that does not, each verified', () => {
    const zipped = get('/assets/app.js', [['Accept-Encoding', 'gzip, deflate, br']]);
    expect(header(zipped.response, 'content-encoding')).toBe('gzip');
    expect(header(zipped.response, 'vary')).toBe('accept-encoding');
    expect(header(zipped.response, 'cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(gunzipSync(zipped.response.body))).toEqual(APP_JS);
    const verified = verify(zipped);
    expect(verified.response?.headers).toContainEqual(['content-encoding', 'gzip']);
    expect(verified.response?.headers).toContainEqual(['cache-control', 'public, max-age=31536000, immutable']);

    const plain = get('/assets/app.js');
    expect(header(plain.response, 'content-encoding')).toBeUndefined();
    expect(plain.response.body).toEqual(APP_JS);
    expect(verify(plain).response?.statusCode).toBe(200);
    expect(header(get('/assets/app.js', [['accept-encoding', 'gzip;q=0, identity']]).response, 'content-encoding')).toBeUndefined();
  });

  it('serves index.html at any other path, certified by the wildcard with more specific paths proved absent', () => {
    for (const path of ['/wallet', '/models/3/', '/assets/missing.js', '/a/b/c/d', '/index.htm']) {
      const served = get(path, [['accept-encoding', 'gzip']]);
      expect(served.response.status_code).toBe(200);
      expect(served.response.body).toEqual(INDEX_HTML);
      expect(verify(served).response?.statusCode).toBe(200);
    }
  });

  it('answers 404, certified, where there is no index.html', () => {
    store.deleteAsset('/index.html');
    const served = get('/nothing/here');
    expect(served.response.status_code).toBe(404);
    expect(verify(served).response?.statusCode).toBe(404);
    expect(get('/').response.status_code).toBe(404);
    expect(verify(get('/')).response?.statusCode).toBe(404);
    expect(verify(get('/assets/app.js')).response?.statusCode).toBe(200);
  });

  it('carries a witness, not the whole tree, so the header does not grow with the number of assets', () => {
    const before = header(get('/assets/app.js').response, 'ic-certificate')!.length;
    for (let i = 0; i < 200; i++) {
      store.store(
        { key: `/assets/file-${i}.js`, content_type: 'text/javascript', content_encoding: 'identity', content: utf8(`${i}`), sha256: [] },
        NOW,
      );
    }
    const after = get('/assets/app.js');
    expect(verify(after).response?.statusCode).toBe(200);
    expect(header(after.response, 'ic-certificate')!.length).toBeLessThan(before + 600);
    expect(verify(get('/assets/none.js')).response?.statusCode).toBe(200);
  });

  it('streams a body of several chunks through the callback, verified whole', () => {
    const big = new Uint8Array(3 * 1000).map((_, i) => i % 251);
    store.createAsset({
      key: '/big.bin',
      content_type: 'application/octet-stream',
      max_age: [],
      headers: [],
      enable_aliasing: [],
      allow_raw_access: [],
    });
    const batch = store.createBatch(NOW);
    const chunks = [0, 1, 2].map((i) => store.createChunk(batch, big.subarray(i * 1000, (i + 1) * 1000), NOW));
    store.commitBatch(batch, [{ SetAssetContent: { key: '/big.bin', content_encoding: 'identity', chunk_ids: chunks, sha256: [] } }], NOW);
    const served = get('/big.bin');
    expect(served.response.body).toHaveLength(1000);
    expect(served.response.streaming_strategy[0]?.Callback.callback).toEqual([canisterId, 'http_request_streaming_callback']);
    expect(bodyOf(served.response)).toEqual(big);
    expect(verify(served).response?.statusCode).toBe(200);
  });

  it('fails verification when the body is not what was certified', () => {
    const served = get('/');
    served.response.body = utf8('<!doctype html><title>not the app</title>');
    expect(() => verify(served)).toThrow();
  });

  it('answers v1 clients with the identity encoding certified under http_assets', () => {
    const served = get('/assets/app.js', [['accept-encoding', 'gzip']], null);
    expect(header(served.response, 'content-encoding')).toBeUndefined();
    expect(header(served.response, 'ic-certificateexpression')).toBeUndefined();
    expect(verify(served, 1).verificationVersion).toBe(1);
    expect(verify(get('/', [], null), 1).verificationVersion).toBe(1);
    expect(verify(get('/unknown/page', [], null), 1).verificationVersion).toBe(1);
  });
});

describe('request parsing', () => {
  it('takes the path without query or fragment, percent-decoded', () => {
    expect(pathOf('/a%20b.html?x=1#top')).toBe('/a b.html');
    expect(pathOf('/%E0%A4%A')).toBe('/%E0%A4%A');
    expect(pathOf('?canisterId=x')).toBe('/');
  });

  it('reads Accept-Encoding with q-values', () => {
    expect([...accepted([['Accept-Encoding', 'gzip, br;q=0, deflate;q=0.5']])]).toEqual(['gzip', 'deflate']);
    expect([...accepted([])]).toEqual([]);
  });
});
