// Asks a canister deployed by `npm start` for its version from a separate process, through the local network's
// HTTP interface with the stock @dfinity/agent (root key fetched from a local network only, query signatures verified): a quick check that
// the network is up and the canister installed. `npm run cli` drives the canisters themselves.
//   npm run call -- <canister name or id> version [--host http://127.0.0.1:4943]
import { Actor } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { createNetworkAgent } from '../src/shared/network_agent';

// Every canister of the suite has this query.
const versioned: IDL.InterfaceFactory = ({ IDL }) => IDL.Service({ version: IDL.Func([], [IDL.Text], ['query']) });

const { values, positionals } = parseArgs({
  options: { host: { type: 'string', default: 'http://127.0.0.1:4943' } },
  allowPositionals: true,
});
const [target, method] = positionals;
if (!target || method !== 'version') {
  console.error('usage: npm run call -- <canister name or id> version [--host <url>]');
  process.exit(1);
}

function canisterId(nameOrId: string): Principal {
  const idsFile = '.dfx/local/canister_ids.json';
  const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, { local: string }>) : {};
  if (ids[nameOrId]) return Principal.fromText(ids[nameOrId].local);
  try {
    return Principal.fromText(nameOrId);
  } catch {
    console.error(
      `${nameOrId} is neither a canister of ${idsFile} (${Object.keys(ids).join(', ') || 'none: run npm start'}) nor a principal`,
    );
    process.exit(1);
  }
}

const agent = await createNetworkAgent(values.host).catch((error: Error) => {
  console.error(`Cannot reach the local network at ${values.host}: ${error.message}. Is \`npm start\` running?`);
  process.exit(1);
});
const actor = Actor.createActor<{ version(): Promise<string> }>(versioned, { agent, canisterId: canisterId(target) });
console.log(await actor.version());
