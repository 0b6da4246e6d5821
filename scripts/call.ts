// Calls a canister deployed by `npm start` from a separate process, through the local network's
// HTTP interface with the stock @dfinity/agent (root key fetched, query signatures verified).
// Updates are signed with a fresh Ed25519 identity, since canisters refuse anonymous changes.
//   npm run call -- <canister name or id> <version|get|increment> [--host http://127.0.0.1:4943]
import { Actor, HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// The interface of the canisters that are still skeletons (canisters/shared/skeleton.ts); the SDK
// and CLI of a later issue call the full interfaces.
const skeleton: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    get: IDL.Func([], [IDL.Nat], ['query']),
    increment: IDL.Func([], [IDL.Nat], []),
  });

const { values, positionals } = parseArgs({
  options: { host: { type: 'string', default: 'http://127.0.0.1:4943' } },
  allowPositionals: true,
});
const [target, method] = positionals;
if (!target || !['version', 'get', 'increment'].includes(method)) {
  console.error('usage: npm run call -- <canister name or id> <version|get|increment> [--host <url>]');
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

const agent = await HttpAgent.create({ host: values.host, shouldFetchRootKey: true, identity: Ed25519KeyIdentity.generate() }).catch(
  (error: Error) => {
    console.error(`Cannot reach the local network at ${values.host}: ${error.message}. Is \`npm start\` running?`);
    process.exit(1);
  },
);
const actor = Actor.createActor<Record<string, () => Promise<unknown>>>(skeleton, { agent, canisterId: canisterId(target) });
console.log(String(await actor[method]()));
