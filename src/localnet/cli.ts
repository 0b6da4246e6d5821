// `npm start`: builds what changed, starts the local network with its state in .localnet-state,
// deploys (or upgrades) the canisters of dfx.json, writes their ids the way dfx does (.env and
// .dfx/local/canister_ids.json), and runs
// until Ctrl-C, saving state on the way out.
import { Principal } from '@dfinity/principal';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Ed25519KeyIdentity } from '@dfinity/identity';
import { sha256 } from '@noble/hashes/sha2';

import { controllersOf, initArg, REPORTERS } from '../deploy/init_args.js';
import { installCanisterPage } from './gateway/canister_page.js';
import { installInternetIdentity } from './gateway/internet_identity.js';
import { Gateway } from './gateway/server.js';
import { LocalNetwork } from './network.js';

const { values } = parseArgs({
  options: {
    state: { type: 'string', default: '.localnet-state' },
    port: { type: 'string', default: '4943' },
    host: { type: 'string', default: '127.0.0.1' },
    clean: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    [
      'usage: npm start [-- --port <n>] [--host <address>] [--state <dir>] [--clean]',
      '  --port   HTTP interface port (default 4943, as dfx)',
      '  --host   address to listen on (default 127.0.0.1)',
      '  --state  where canisters are kept (default .localnet-state)',
      '  --clean  start from an empty network',
    ].join('\n'),
  );
  process.exit(0);
}

// The project (dfx.json, sources, builds) is where this file lives; ids are written where it runs.
const root = fileURLToPath(new URL('../..', import.meta.url));
const here = process.cwd();
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(1);
}
const stateDir = resolve(values.state!);
const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (values.clean) await import('node:fs/promises').then((fs) => fs.rm(stateDir, { recursive: true, force: true }));
const network = await LocalNetwork.create({
  stateDir,
  autoTime: true,
  log: (id, message) => console.log(`[${id.toText()}] ${message}`),
});

const gateway = new Gateway(network);
installCanisterPage(gateway);
installInternetIdentity(gateway, { stateDir });
let url: string;
try {
  url = await gateway.listen({ host: values.host, port });
} catch (error) {
  console.error(`Cannot listen on ${values.host}:${port}: ${(error as Error).message}. Is another network running? Try --port.`);
  process.exit(1);
}

const dfx = JSON.parse(await readFile(join(root, 'dfx.json'), 'utf8')) as { canisters: Record<string, unknown> };
// Where dfx keeps the ids of a local deployment, so tools that read it find ours.
const idsFile = join(here, '.dfx', 'local', 'canister_ids.json');
const known: Record<string, { local: string }> = existsSync(idsFile) ? JSON.parse(await readFile(idsFile, 'utf8')) : {};
// dfx deploys as the developer's identity. Ours follows from the network's root secret, so it is the
// same across restarts, and neither anonymous callers nor web pages control the canisters.
const deployer = Ed25519KeyIdentity.generate(
  sha256(new Uint8Array([...new TextEncoder().encode('localnet deployer'), ...network.certifier.secretKey])),
).getPrincipal();
const rows: [string, string, string][] = [];

// Every canister is created before any is installed, so each init argument can name its peers.
const names = Object.keys(dfx.canisters);
const ids: Record<string, Principal> = {};
const created: string[] = [];
for (const name of names) {
  const existing = known[name] && network.scheduler.canister(Principal.fromText(known[name].local));
  if (!existing) created.push(name);
  ids[name] = existing ? existing.id : await network.createCanister({ sender: deployer });
  known[name] = { local: ids[name].toText() };
}
// Governance becomes a controller of what it administers once every id is known (bootstrap then removes the deployer).
for (const name of created) await network.updateCanisterSettings(ids[name], controllersOf(name, { deployer, ids }), deployer);
for (const name of names) {
  const wasm = new Uint8Array(await readFile(join(root, '.azle', name, `${name}.wasm`)));
  const canister = network.scheduler.canister(ids[name])!;
  if (!canister.module) {
    await network.installCode({ canisterId: canister.id, wasm, arg: initArg(name, { deployer, ids }), sender: deployer });
    rows.push([name, canister.id.toText(), 'installed']);
  } else if (Buffer.compare(canister.module.hash, sha256(wasm)) !== 0) {
    // The reporters and analytics read their upgrade argument for the analytics peers (a state from before analytics).
    const arg = [...REPORTERS, 'analytics'].includes(name) ? initArg(name, { deployer, ids }) : undefined;
    await network.upgradeCanister({ canisterId: canister.id, wasm, arg, sender: deployer });
    rows.push([name, canister.id.toText(), 'upgraded']);
  } else rows.push([name, canister.id.toText(), 'unchanged']);
}

await mkdir(join(here, '.dfx', 'local'), { recursive: true });
await writeFile(idsFile, JSON.stringify(known, null, 2));
const env = [
  'DFX_NETWORK=local',
  `IC_HOST=${url}`,
  ...Object.entries(known).map(([name, { local }]) => `CANISTER_ID_${name.toUpperCase()}=${local}`),
];
await writeFile(join(here, '.env'), `${env.join('\n')}\n`);
await network.checkpoint();

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\nLocal network running at ${url} (state in ${stateDir}); canister ids are in .env and ${idsFile}.`);
console.log(`Canisters are controlled by the deployer ${deployer.toText()}.`);
if (ids.governance) console.log('Governance is a controller too: its bootstrap(), called by the deployer, hands the suite over to it.');
for (const [name, id, what] of rows) console.log(`  ${name.padEnd(width)}  ${id}  ${url}/?canisterId=${id}  ${what}`);
console.log(`\nDev Internet Identity: ${url}/internet-identity (AuthClient's identityProvider on this network).`);
console.log(`Agents: new HttpAgent({ host: '${url}', shouldFetchRootKey: true }). Press Ctrl-C to stop.`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping: saving state…');
  await gateway.close();
  await network.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
setInterval(() => undefined, 1 << 30);
