// `npm start`: builds what changed, starts the local network with its state in .localnet-state,
// deploys (or upgrades) the canisters of dfx.json with deploySuite (src/deploy), writes their ids the way dfx does
// (.env and .dfx/local/canister_ids.json) and the deployer's key as .localnet-state/deployer.pem, and runs
// until Ctrl-C, saving state on the way out.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { importCommands, localDeployer, writeDeployerPem } from '../deploy/deployer.js';
import { idsFile as idsFileOf, readIds, resolveNetwork, writeEnv, writeIds } from '../deploy/networks.js';
import { deploySuite } from '../deploy/suite.js';
import { localTarget } from '../deploy/target.js';
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
const local = { ...resolveNetwork('local'), host: url };
const idsFile = idsFileOf(here, local);
// dfx deploys as the developer's identity. Ours follows from the network's root secret, so it is the same across
// restarts, and neither anonymous callers nor web pages control the canisters; its PEM lets anyone act as it.
const deployerKey = localDeployer(network.certifier.secretKey);
const deployer = deployerKey.getPrincipal();
const pemFile = await writeDeployerPem(stateDir, deployerKey);

// The procedure npm run deploy runs over HTTP, here in process: create what is missing, install or upgrade.
const { ids, outcomes } = await deploySuite(localTarget(network, deployer), {
  names: Object.keys(dfx.canisters),
  deployer,
  known: await readIds(idsFile, local.name),
});
await writeIds(idsFile, local.name, ids);
await writeEnv(here, local.name, url, ids);
await network.checkpoint();

const width = Math.max(...Object.keys(ids).map((name) => name.length));
console.log(`\nLocal network running at ${url} (state in ${stateDir}); canister ids are in .env and ${idsFile}.`);
console.log(`Canisters are controlled by the deployer ${deployer.toText()}.`);
if (ids.governance) console.log('Governance is a controller too: its bootstrap(), called by the deployer, hands the suite over to it.');
for (const [name, id] of Object.entries(ids)) {
  console.log(`  ${name.padEnd(width)}  ${id.toText()}  ${url}/_/canister?canisterId=${id.toText()}  ${outcomes[name]}`);
}
console.log(`\nThe deployer's key is ${pemFile} (PKCS#8 Ed25519 PEM, 0600). To act as the deployer, import it:`);
for (const line of importCommands(pemFile)) console.log(`  ${line}`);
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
