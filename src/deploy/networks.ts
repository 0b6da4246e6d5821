// Networks by name or URL, and the files where a deployment's ids are kept, the way dfx keeps them:
// canister_ids.json (committed) for mainnet, .dfx/<network>/canister_ids.json for a local or ad-hoc network, each
// as { "<canister>": { "<network>": "<id>" } }, and the CANISTER_ID_<NAME> lines of .env.
import { Principal } from '@dfinity/principal';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type Network = {
  /** dfx's name for it: `ic`, `local`, or a URL with every character but letters and digits made `_`. */
  name: string;
  host: string;
  /** The IC itself: its root key is built into the agent, and it has no provisional API to create canisters. */
  mainnet: boolean;
  /** Its ids go into canister_ids.json, to be committed (ic and dfx.json's persistent networks), not under .dfx. */
  persistent: boolean;
};

/** dfx.json's `networks`: a name and its providers (`type` is `persistent` unless it says `ephemeral`). */
export type DfxNetworks = Record<string, { providers?: string[]; type?: string; bind?: string }>;

export const MAINNET_HOST = 'https://icp-api.io';
export const LOCAL_HOST = 'http://127.0.0.1:4943';
const MAINNET_DOMAINS = ['icp-api.io', 'icp0.io', 'ic0.app'];

const isMainnet = (url: URL) => MAINNET_DOMAINS.some((domain) => url.hostname === domain || url.hostname.endsWith(`.${domain}`));

/**
 * `ic`, `local` (npm start's address), a network dfx.json names, or the URL of any network that speaks the IC's
 * HTTP interface (an ad-hoc network, as dfx calls it).
 */
export function resolveNetwork(network: string, named: DfxNetworks = {}): Network {
  if (network === 'ic') return { name: 'ic', host: MAINNET_HOST, mainnet: true, persistent: true };
  const entry = named[network];
  if (entry?.providers?.[0]) {
    const host = entry.providers[0].replace(/\/+$/, '');
    return { name: network, host, mainnet: isMainnet(new URL(host)), persistent: entry.type !== 'ephemeral' };
  }
  if (network === 'local') return { name: 'local', host: LOCAL_HOST, mainnet: false, persistent: false };
  let url: URL;
  try {
    url = new URL(network);
  } catch {
    const names = ['ic', 'local', ...Object.keys(named)].join(', ');
    throw new Error(`--network is one of ${names} or a URL like http://127.0.0.1:4943, not ${JSON.stringify(network)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--network ${network}: only http and https URLs`);
  // dfx's network_to_pathcompat: an ad-hoc network is named by its URL.
  return { name: network.replace(/[^A-Za-z0-9]/g, '_'), host: network.replace(/\/+$/, ''), mainnet: isMainnet(url), persistent: false };
}

/** Where dfx keeps a network's ids: canister_ids.json for a persistent network, else .dfx/<network>/canister_ids.json. */
export function idsFile(dir: string, network: Network): string {
  return network.persistent ? join(dir, 'canister_ids.json') : join(dir, '.dfx', network.name, 'canister_ids.json');
}

type IdsJson = Record<string, Record<string, string>>;

async function readJson(file: string): Promise<IdsJson> {
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as IdsJson) : {};
}

/** The ids a file names for the network. */
export async function readIds(file: string, network: string): Promise<Record<string, Principal>> {
  const json = await readJson(file);
  const ids: Record<string, Principal> = {};
  for (const [name, byNetwork] of Object.entries(json)) if (byNetwork[network]) ids[name] = Principal.fromText(byNetwork[network]);
  return ids;
}

/** Records the network's ids in the file, keeping what it says about other canisters and networks. */
export async function writeIds(file: string, network: string, ids: Record<string, Principal>): Promise<void> {
  const json = await readJson(file);
  for (const [name, id] of Object.entries(ids)) json[name] = { ...json[name], [network]: id.toText() };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
}

const START = '# DFX CANISTER ENVIRONMENT VARIABLES';
const END = '# END DFX CANISTER ENVIRONMENT VARIABLES';

/**
 * Writes DFX_NETWORK, IC_HOST and CANISTER_ID_<NAME> into .env between dfx's markers, replacing an earlier block
 * (from npm start, npm run deploy or dfx) and keeping every other line.
 */
export async function writeEnv(dir: string, network: string, host: string, ids: Record<string, Principal>): Promise<void> {
  const file = join(dir, '.env');
  const lines = [
    START,
    `DFX_NETWORK=${network}`,
    `IC_HOST=${host}`,
    ...Object.entries(ids).map(([name, id]) => `CANISTER_ID_${name.toUpperCase()}=${id.toText()}`),
    END,
  ];
  const ours = /^(DFX_NETWORK|IC_HOST|CANISTER_ID_[A-Z0-9_]+)=/;
  let kept: string[] = [];
  if (existsSync(file)) {
    let inside = false;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (line === START) inside = true;
      else if (line === END) inside = false;
      // Unmarked lines of ours are what npm start wrote before it used the markers.
      else if (!inside && !ours.test(line)) kept.push(line);
    }
    while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  }
  kept = kept.length > 0 ? [...kept, ''] : [];
  await writeFile(file, `${[...kept, ...lines].join('\n')}\n`);
}
