// Which response each URL path gets, and the hash tree that certifies all of them (HTTP Gateway Protocol,
// response verification v2, as DFINITY's asset canister certifies): every encoding of every asset is a
// response certified at the asset's exact expression path (`http_expr/<segments>/<$>`) under the hash of its
// expression, which lists the headers it certifies; a directory's `index.html` is also certified at the
// directory (`/`, `/docs/`); and one response is certified for every other path (`http_expr/""/<*>`): the
// app's `/index.html` with status 200 (the fallback a single-page app needs), or a 404 where there is none.
// The legacy v1 `http_assets/<path>` holds the identity encoding's sha256 for clients of v1.
// Pure: no 'azle' import.
import {
  build,
  CERTIFICATE_EXPRESSION_HEADER,
  exactExpressionPath,
  type HashTree,
  type Labeled,
  responseHashOfBody,
  responseOnlyExpression,
  rootHash,
  rotateHashMemo,
  sha256Of,
  wildcardExpressionPath,
} from '../shared/certification';
import type { HeaderField, StoredAsset, StoredEncoding } from './types';

export const INDEX = '/index.html';
export const NOT_FOUND_BODY = new TextEncoder().encode('Not found');
const NOT_FOUND_HEADERS: HeaderField[] = [['content-type', 'text/plain; charset=utf-8']];

/** What the canister serves and has certified, rebuilt after every change of the assets. */
export type Certified = {
  tree: HashTree;
  /** The certified data: the tree's root hash. */
  root: Uint8Array;
  /** Asset keys by the exact paths they are served at (each key, and directories for their index.html). */
  routes: Map<string, string>;
  /** The asset served at every other path, or null for the 404. */
  fallback: string | null;
};

/** A response's headers, with the expression header that says which of them are certified. */
export function certifiedHeaders(headers: HeaderField[]): { headers: HeaderField[]; names: string[] } {
  const names = [...new Set(headers.map(([name]) => name))];
  return { headers: [...headers, [CERTIFICATE_EXPRESSION_HEADER, responseOnlyExpression(names)]], names };
}

/** The headers an asset is served with in one encoding (all of them certified). */
export function assetHeaders(asset: StoredAsset, encoding: StoredEncoding): HeaderField[] {
  const headers: HeaderField[] = [['content-type', asset.content_type]];
  if (encoding.content_encoding !== 'identity') headers.push(['content-encoding', encoding.content_encoding]);
  if (asset.encodings.length > 1) headers.push(['vary', 'accept-encoding']);
  if (asset.max_age[0] !== undefined) headers.push(['cache-control', `public, max-age=${asset.max_age[0]}`]);
  for (const [name, value] of asset.headers[0] ?? []) {
    const lower = name.toLowerCase();
    // The canister's own headers win: a custom content-type or content-encoding could only mislead.
    if (!headers.some(([known]) => known === lower)) headers.push([lower, value]);
  }
  return headers;
}

export const notFoundHeaders = (): HeaderField[] => certifiedHeaders(NOT_FOUND_HEADERS).headers;

/** The paths a key is served at: itself, and its directory when it is an index.html (unless aliasing is off). */
export function pathsOf(key: string, asset: StoredAsset): string[] {
  const paths = [key];
  if (key.endsWith(`/index.html`) && asset.is_aliased[0] !== false) paths.push(key.slice(0, -'index.html'.length));
  return paths;
}

export function certify(assets: Map<string, StoredAsset>): Certified {
  // What the last rebuild hashed is mostly what this one hashes: only changed assets cost hashing.
  rotateHashMemo();
  const routes = new Map<string, string>();
  const expressions: Labeled = new Map();
  const v1: Labeled = new Map();
  const responses = (status: number, asset: StoredAsset): Labeled => {
    const byExpression: Labeled = new Map();
    for (const encoding of asset.encodings) {
      const { headers, names } = certifiedHeaders(assetHeaders(asset, encoding));
      addResponse(byExpression, headers, responseHashOfBody(status, headers, names, encoding.sha256));
    }
    return byExpression;
  };
  for (const [key, asset] of [...assets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (asset.encodings.length === 0) continue;
    const identity = asset.encodings.find((e) => e.content_encoding === 'identity');
    for (const path of pathsOf(key, asset)) {
      if (routes.has(path)) continue;
      routes.set(path, key);
      insert(expressions, exactExpressionPath(path).slice(1), responses(200, asset));
      if (identity) v1.set(path, identity.sha256);
    }
  }
  const index = assets.get(INDEX);
  const fallback = index !== undefined && index.encodings.length > 0 ? INDEX : null;
  if (fallback !== null) {
    insert(expressions, wildcardExpressionPath('/').slice(1), responses(200, index!));
  } else {
    const { headers, names } = certifiedHeaders(NOT_FOUND_HEADERS);
    const byExpression: Labeled = new Map();
    addResponse(byExpression, headers, responseHashOfBody(404, headers, names, sha256Of(NOT_FOUND_BODY)));
    insert(expressions, wildcardExpressionPath('/').slice(1), byExpression);
  }
  const tree = build(
    new Map<string, Labeled>([
      ['http_assets', v1],
      ['http_expr', expressions],
    ]),
  );
  // Hashes every node now, in the update that changed the assets: the queries that prune it only read them.
  return { tree, root: rootHash(tree), routes, fallback };
}

/** `<expression hash>` / "" / `<response hash>` (no request certification), beside the path's other responses. */
function addResponse(byExpression: Labeled, headers: HeaderField[], responseHash: Uint8Array): void {
  const expression = headers.find(([name]) => name === CERTIFICATE_EXPRESSION_HEADER)![1];
  const label = sha256Of(new TextEncoder().encode(expression));
  const key = [...byExpression.keys()].find((k) => k instanceof Uint8Array && sameBytes(k, label)) ?? label;
  const requests = (byExpression.get(key) as Labeled | undefined) ?? new Map([['', new Map()]]);
  (requests.get('') as Labeled).set(responseHash, new Uint8Array());
  byExpression.set(key, requests);
}

/** Puts `leaf` at `segments` below `into`, merging with what is there. */
function insert(into: Labeled, segments: string[], leaf: Labeled): void {
  let node = into;
  for (const segment of segments) {
    let next = node.get(segment);
    if (!(next instanceof Map)) node.set(segment, (next = new Map()));
    node = next;
  }
  for (const [label, child] of leaf) node.set(label, child);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
