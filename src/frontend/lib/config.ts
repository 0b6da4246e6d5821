// The app's configuration: which network, where its API is, the canisters' ids, the identity provider and the
// faucet. Read at run time from `env.json` next to index.html (what the server that hosts the app provides), else
// from the values baked in at build time (`npm run build:frontend` reads `.env`, which npm start writes; dfx.json's
// build step, `build:frontend:dfx`, reads no .env, only the DFX_NETWORK and CANISTER_ID_<NAME> dfx exports to it).
// Both use the names of dfx's .env:
//
//   { "DFX_NETWORK": "local", "IC_HOST": "http://127.0.0.1:4943",
//     "CANISTER_ID_LEDGER": "...", ..., "CANISTER_ID_ANALYTICS": "...",
//     "CANISTER_ID_FAUCET": "(optional: local and test networks)", "CANISTER_ID_API": "(optional: the OpenAI-compatible API)",
//     "II_URL": "(optional) identity provider" }
//
// Build-time values may also carry a VITE_ prefix (VITE_DFX_NETWORK, VITE_CANISTER_ID_LEDGER, ...).
import { Principal } from '@dfinity/principal';

import type { CanisterName } from './errors';

/** Canisters the app works without: the faucet (local and test networks only) and the api (a suite deployed before it). */
export type OptionalCanister = 'faucet' | 'api';
export const OPTIONAL_CANISTERS: OptionalCanister[] = ['faucet', 'api'];

/** The canisters the app needs. */
export const CANISTERS: Exclude<CanisterName, OptionalCanister>[] = [
  'ledger',
  'identity',
  'model_registry',
  'marketplace',
  'payment',
  'bridge',
  'verification',
  'governance',
  'analytics',
];

export type AppConfig = {
  /** dfx's network name: "local" fetches the root key and uses the dev Internet Identity; "ic" is mainnet. */
  network: string;
  local: boolean;
  /** Where agents send calls. */
  host: string;
  canisters: Record<Exclude<CanisterName, OptionalCanister>, Principal> & Partial<Record<OptionalCanister, Principal>>;
  identityProvider: string;
  /** Where the configuration came from, for the about line. */
  source: 'env.json' | 'build';
};

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; error: string };

export const MAINNET_HOST = 'https://icp-api.io';
export const MAINNET_IDENTITY_PROVIDER = 'https://identity.ic0.app';
/** The ICP ledger on mainnet: with it the wallet also shows the account identifier. */
export const ICP_LEDGER_ID = 'ryjl3-tyaaa-aaaaa-aaaba-cai';

/**
 * Reads a configuration out of env-style values. `origin` is the page's own origin: a local network that names no
 * host is the one serving the page.
 */
export function parseConfig(raw: Record<string, unknown>, origin: string, source: AppConfig['source']): ConfigResult {
  const get = (name: string): string | undefined => {
    const value = raw[name] ?? raw[`VITE_${name}`];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  // A production build that names no network is for mainnet (dfx deploy --network ic bakes DFX_NETWORK in; npm
  // start's build names none and reads env.json, which comes first). Baked-in values on ic take no IC_HOST or II_URL:
  // those come from a local .env, and would send a mainnet app to localhost.
  const network = get('DFX_NETWORK') ?? (source === 'build' && raw.PROD === true ? 'ic' : 'local');
  const local = network === 'local';
  const mainnetBuild = source === 'build' && network === 'ic';
  const host = ((mainnetBuild ? undefined : get('IC_HOST')) ?? (local ? origin : MAINNET_HOST)).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(host)) return { ok: false, error: `The network address "${host}" is not an http(s) URL.` };
  const canisters = {} as AppConfig['canisters'];
  const missing: string[] = [];
  for (const name of [...CANISTERS, ...OPTIONAL_CANISTERS]) {
    const text = get(`CANISTER_ID_${name.toUpperCase()}`);
    if (text === undefined) {
      if (!(OPTIONAL_CANISTERS as string[]).includes(name)) missing.push(name);
      continue;
    }
    try {
      canisters[name] = Principal.fromText(text);
    } catch {
      return { ok: false, error: `The ${name} canister id "${text}" is not a valid principal.` };
    }
  }
  if (missing.length > 0)
    return {
      ok: false,
      error: `The app does not know the id of the ${missing.join(', ')} canister${missing.length > 1 ? 's' : ''}: start the network with npm start (it writes .env), or serve an env.json next to the app.`,
    };
  const identityProvider = (mainnetBuild ? undefined : get('II_URL')) ?? (local ? `${host}/internet-identity` : MAINNET_IDENTITY_PROVIDER);
  return { ok: true, config: { network, local, host, canisters, identityProvider, source } };
}

/** env.json next to the page, else the build's values. */
export async function loadConfig(buildEnv: Record<string, unknown>, fetcher: typeof fetch = fetch): Promise<ConfigResult> {
  const origin = typeof location === 'undefined' ? 'http://127.0.0.1:4943' : location.origin;
  try {
    const response = await fetcher(new URL('env.json', document.baseURI).toString(), { cache: 'no-store' });
    if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
      const raw = (await response.json()) as Record<string, unknown>;
      return parseConfig(raw, origin, 'env.json');
    }
  } catch {
    // No env.json: the build's values.
  }
  return parseConfig(buildEnv, origin, 'build');
}
