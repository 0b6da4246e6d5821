// Which canister an HTTP request is for (spec: "Canister ID Resolution"), on a local network:
// - the Host `<id>.localhost` (browsers resolve every *.localhost to the loopback address), where the
//   canister id is the first label from the right that is a valid principal, and `<id>.raw.localhost`
//   is the raw form that skips response verification;
// - otherwise a `canisterId` query parameter on any host (dfx's local form, `/?canisterId=<id>`), which
//   the canister does not see in its URL, or, for what such a page loads by relative URL, the parameter of the
//   Referer on the same host.
// The network's own endpoints stay where they are: /api/... always, and /_/... (the network's pages)
// in the query-parameter form.
import { Principal } from '@dfinity/principal';
import type { IncomingMessage } from 'node:http';

export type Target = {
  canisterId: Principal;
  /** A raw host: the response is passed on without verification. */
  raw: boolean;
  /** The URL the canister sees: path and query, without the gateway's own `canisterId` parameter. */
  url: string;
  /**
   * Resolved from `?canisterId=` or the Referer, not the host: the response is served on the network's own
   * origin (that of /internet-identity), so the gateway sandboxes it (index.ts, SANDBOX).
   */
  networkOrigin: boolean;
};

export class BadTarget extends Error {}

const LOCALHOST = '.localhost';

export function resolveTarget(request: IncomingMessage, networkPath: (path: string) => boolean = () => false): Target | null {
  const url = request.url ?? '/';
  const path = url.split('?')[0];
  if (path === '/api' || path.startsWith('/api/')) return null;
  const fromHost = canisterOfHost(request.headers.host ?? '');
  if (fromHost) return { ...fromHost, url, networkOrigin: false };
  if (path.startsWith('/_/')) return null;
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = query.split('&').filter((p) => p.length > 0);
  const named = params.filter((p) => decodeName(p) === 'canisterId');
  if (named.length === 0) {
    // A file the page at ?canisterId=<id> loads by a relative URL (its script, styles, env.json) comes without the
    // parameter: the Referer names the canister then, as dfx's local proxy reads it. The network's own pages (the
    // dev Internet Identity the app opens) stay the network's.
    const referer = networkPath(path) ? null : refererCanister(request);
    return referer ? { canisterId: referer, raw: false, url, networkOrigin: true } : null;
  }
  const text = named[0].slice('canisterId='.length);
  const canisterId = parsePrincipal(text);
  if (!canisterId) throw new BadTarget(`canisterId=${text} is not a canister id`);
  const rest = params.filter((p) => decodeName(p) !== 'canisterId');
  return { canisterId, raw: false, url: rest.length > 0 ? `${path}?${rest.join('&')}` : path, networkOrigin: true };
}

function canisterOfHost(host: string): { canisterId: Principal; raw: boolean } | null {
  const hostname = host.replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
  if (!hostname.endsWith(LOCALHOST)) return null;
  const labels = hostname.slice(0, -LOCALHOST.length).split('.');
  for (let i = labels.length - 1; i >= 0; i--) {
    const canisterId = parsePrincipal(labels[i]);
    if (canisterId) return { canisterId, raw: labels.includes('raw') };
  }
  return null;
}

function decodeName(param: string): string {
  const name = param.split('=')[0];
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function parsePrincipal(text: string): Principal | null {
  if (!/^[a-z0-9-]+$/.test(text) || !text.includes('-')) return null;
  try {
    const principal = Principal.fromText(text);
    return principal.toText() === text ? principal : null;
  } catch {
    return null;
  }
}

/** The canisterId of the page that asked (its Referer on this host), for files a page loads by relative URL. */
function refererCanister(request: IncomingMessage): Principal | null {
  const referer = request.headers.referer;
  if (referer === undefined) return null;
  try {
    const from = new URL(referer);
    if (from.host !== request.headers.host) return null;
    const text = from.searchParams.get('canisterId');
    return text === null ? null : parsePrincipal(text);
  } catch {
    return null;
  }
}
