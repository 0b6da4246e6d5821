// http_request for the asset canister: the path's asset (or the fallback), in the best encoding the client
// accepts, with its certified headers and an IC-Certificate header that carries the data certificate and a
// witness of the tree pruned to what this response proves: its expression path, and for the fallback the absence
// of every more specific path, as the HTTP Gateway Protocol's verification requires. Bodies of more than one
// chunk are streamed through http_request_streaming_callback. Requests that do not ask for certification
// version 2 get v1 (`http_assets`, identity encoding only).
// Pure: no 'azle' import; the certificate and the canister's own id come in as arguments.
import type { Principal } from '@dfinity/principal';

import { base64, encodeTexts, encodeTree, exactExpressionPath, pathSegments, type TreePath, witness } from '../shared/certification';
import { assetHeaders, type Certified, certifiedHeaders, INDEX, NOT_FOUND_BODY, notFoundHeaders } from './certify';
import type { AssetStore } from './store';
import type {
  HeaderField,
  HttpRequest,
  HttpResponse,
  StoredAsset,
  StoredEncoding,
  StreamingCallbackHttpResponse,
  StreamingCallbackToken,
} from './types';

export const STREAMING_CALLBACK = 'http_request_streaming_callback';

/** Encodings in the order this canister prefers them, when the client accepts them. */
const PREFERRED = ['br', 'gzip', 'deflate'];

export type ServeContext = {
  store: AssetStore;
  certified: Certified;
  /** ic0.data_certificate: present in queries. */
  certificate: Uint8Array;
  /** This canister, for the streaming callback's reference. */
  self: Principal;
};

export function serveHttp(request: HttpRequest, { store, certified, certificate, self }: ServeContext): HttpResponse {
  const path = pathOf(request.url);
  const v2 = (request.certificate_version[0] ?? 1) >= 2;
  const routed = certified.routes.get(path);
  const key = routed ?? certified.fallback;
  const exprPath = routed !== undefined ? exactExpressionPath(path) : ['http_expr', '', '<*>'];
  const proof = v2
    ? v2Proof(path, exprPath)
    : [
        ['http_assets', path],
        ['http_assets', INDEX],
      ];
  const header = (paths: TreePath[]): HeaderField => {
    const fields = [`certificate=:${base64(certificate)}:`, `tree=:${base64(encodeTree(witness(certified.tree, paths)))}:`];
    if (v2) fields.push('version=2', `expr_path=:${base64(encodeTexts(exprPath))}:`);
    return ['IC-Certificate', fields.join(', ')];
  };

  if (key === null) {
    return { status_code: 404, headers: [...notFoundHeaders(), header(proof)], body: NOT_FOUND_BODY, streaming_strategy: [] };
  }
  const asset = store.assets.get(key)!;
  const encoding = chooseEncoding(asset, v2 ? accepted(request.headers) : new Set());
  const headers = v2 ? certifiedHeaders(assetHeaders(asset, encoding)).headers : assetHeaders(asset, encoding);
  const body = store.chunk(key, encoding, 0);
  const response: HttpResponse = { status_code: 200, headers: [...headers, header(proof)], body, streaming_strategy: [] };
  if (encoding.chunks > 1) {
    response.streaming_strategy = [{ Callback: { callback: [self, STREAMING_CALLBACK], token: tokenFor(key, encoding, 1) } }];
  }
  return response;
}

/** The next chunk of a streamed body, and the token for the one after it. */
export function streamingCallback(token: StreamingCallbackToken, store: AssetStore): StreamingCallbackHttpResponse {
  const body = store.getChunk(token);
  const encoding = store.encoding(token.key, token.content_encoding);
  const next = Number(token.index) + 1;
  return { body, token: next < encoding.chunks ? [tokenFor(token.key, encoding, next)] : [] };
}

function tokenFor(key: string, encoding: StoredEncoding, index: number): StreamingCallbackToken {
  return { key, content_encoding: encoding.content_encoding, index: BigInt(index), sha256: [encoding.sha256] };
}

/**
 * What the witness must show for v2: the expression path used, and every more specific one the verifier looks for
 * before it accepts a wildcard (the exact path, then each prefix's `<*>`), which must be proved absent.
 */
function v2Proof(path: string, exprPath: string[]): TreePath[] {
  const segments = pathSegments(path);
  const paths: TreePath[] = [exprPath, exactExpressionPath(path)];
  for (let i = segments.length; i >= 0; i--) {
    paths.push(['http_expr', ...segments.slice(0, i), '<*>'], ['http_expr', ...segments.slice(0, i), '', '<*>']);
  }
  return paths;
}

/** The URL's path, percent-decoded, without query or fragment. */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  const raw = end === -1 ? url : url.slice(0, end);
  try {
    return decodeURIComponent(raw) || '/';
  } catch {
    return raw || '/';
  }
}

/** The encodings an Accept-Encoding header accepts (those with q=0 refused). */
export function accepted(headers: HeaderField[]): Set<string> {
  const names = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'accept-encoding') continue;
    for (const part of value.split(',')) {
      const [coding, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      if (coding && !(q !== undefined && Number(q.slice(2)) === 0)) names.add(coding);
    }
  }
  return names;
}

/** The best accepted encoding the asset has, else identity, else whatever it has. */
export function chooseEncoding(asset: StoredAsset, accepts: Set<string>): StoredEncoding {
  const has = (name: string) => asset.encodings.find((e) => e.content_encoding === name);
  for (const name of PREFERRED) if (accepts.has(name) || accepts.has('*')) if (has(name)) return has(name)!;
  return has('identity') ?? asset.encodings[0];
}
