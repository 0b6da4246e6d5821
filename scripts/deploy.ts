// Deploys the suite of dfx.json to any network over the IC's HTTP interface, as the identity of a PEM file:
// creates what is missing (on a local or test network), installs new canisters with the init arguments of
// src/deploy/init_args.ts, upgrades those whose Wasm changed and leaves the rest, then writes the ids the dfx way.
// The web app's asset canister (dfx.json's `frontend`, type assets) gets the Azle asset canister and the app uploaded
// with the network's env.json, on any network but ic, where `dfx deploy` puts DFINITY's asset canister instead.
//   npm run deploy -- [--network <ic | local | name | url>] --identity <file.pem> [--ledger <id>] [--cycles <n>] [--no-build] [--faucet]
import { HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { DEPLOYER_PEM } from '../src/deploy/deployer.js';
import { httpTarget } from '../src/deploy/http_target.js';
import { type DfxNetworks, idsFile, readIds, resolveNetwork, writeEnv, writeIds } from '../src/deploy/networks.js';
import { identityFromPem } from '../src/deploy/pem.js';
import { deploySuite } from '../src/deploy/suite.js';
import { uploadWebApp, WEB_APP_CANISTER, webAppEnv } from '../src/deploy/web_app.js';

const USAGE = `usage: npm run deploy -- [--network <ic | local | name | url>] --identity <file.pem> [--ledger <id>] [--cycles <n>] [--no-build] [--faucet]

  --network   ic (mainnet), local (npm start's http://127.0.0.1:4943, the default), a network dfx.json names,
              or the URL of any network that speaks the IC's HTTP interface
  --identity  the deployer's key: a PEM as dfx, icp-cli or npm start (.localnet-state/deployer.pem) write it;
              for local, .localnet-state/deployer.pem is the default
  --ledger    an ICRC-2 ledger already deployed (ICP, ckBTC, ckUSDC, ...): the ledger canister is not deployed
              and its peers are given this id instead (pass it on every run)
  --cycles    cycles for each canister created through the provisional API (the network's default otherwise)
  --no-build  deploy the Wasm in .azle as it is, without npm run build first
  --faucet    also deploy the faucet (test tokens for anyone, within daily caps) and top it up by minting; a local
              or test network only (refused for ic), with the suite's own ledger (not with --ledger)

Canisters named in the ids file that the network has are upgraded when their module hash differs from the Wasm's,
and left alone otherwise; missing ones are created (provisional_create_canister_with_cycles), except on ic, where
they must exist already. Ids go to canister_ids.json (ic and persistent networks of dfx.json) or
.dfx/<network>/canister_ids.json, and to .env as CANISTER_ID_<NAME>.`;

const { values } = parseArgs({
  options: {
    network: { type: 'string', default: 'local' },
    identity: { type: 'string' },
    ledger: { type: 'string' },
    cycles: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    faucet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

// The project (dfx.json, builds) is where this file lives; ids are written where it runs, as npm start does.
const root = fileURLToPath(new URL('..', import.meta.url));
const here = process.cwd();
const dfx = JSON.parse(readFileSync(join(root, 'dfx.json'), 'utf8')) as {
  canisters: Record<string, { type?: string }>;
  networks?: DfxNetworks;
};

let network: ReturnType<typeof resolveNetwork>;
let ledger: Principal | undefined;
let cycles: bigint | undefined;
try {
  network = resolveNetwork(values.network!, dfx.networks);
  ledger = values.ledger === undefined ? undefined : Principal.fromText(values.ledger);
  cycles = values.cycles === undefined ? undefined : BigInt(values.cycles);
} catch (error) {
  fail((error as Error).message);
}
// Free tokens have no place on mainnet; the faucet mints, so it needs the suite's own ledger.
if (values.faucet && network.mainnet) fail(`--faucet is for local and test networks: ${network.host} is mainnet`);
if (values.faucet && ledger) fail("--faucet mints the suite's own ledger's tokens: it cannot go with --ledger");
// The suite's own ledger is a test token minted at will by the deployer: on mainnet the market runs on a real one.
if (network.mainnet && !ledger) {
  fail('on mainnet pass --ledger <id> of a real ICRC-2 ledger (ICP, ckBTC, ckUSDC): the local test token (LIT) is not for the IC');
}

const localPem = join(here, '.localnet-state', DEPLOYER_PEM);
const pemFile = values.identity ?? (network.name === 'local' && existsSync(localPem) ? localPem : undefined);
if (pemFile === undefined) fail(`--identity <file.pem> is needed: the deployer's key\n\n${USAGE}`);
if (!existsSync(pemFile)) fail(`no such file: ${pemFile}`);
let identity: ReturnType<typeof identityFromPem>;
try {
  identity = identityFromPem(readFileSync(pemFile, 'utf8'));
} catch (error) {
  fail(`${pemFile}: ${(error as Error).message}`);
}
const deployer = identity.getPrincipal();

if (!values['no-build']) {
  const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const file = idsFile(here, network);
// The faucet only when asked for (a local or test network). On mainnet an `assets` canister is DFINITY's, which dfx
// deploys (dfx deploy --network ic frontend): this command leaves it out there.
const assets = Object.keys(dfx.canisters).filter((name) => dfx.canisters[name].type === 'assets');
const names = Object.keys(dfx.canisters).filter(
  (name) => (values.faucet || name !== 'faucet') && !(network.mainnet && assets.includes(name)),
);
const cannotCreate =
  `On the IC a canister is paid for with cycles, which this command does not spend. Create each canister first with ` +
  `the deployer ${deployer.toText()} as a controller, e.g. \`icp canister create --detached -n ic --identity deployer\` ` +
  `(paid from that identity's cycles ledger balance; prints the id) or in the NNS dapp (then add the deployer as a ` +
  `controller), record the ids in ${relative(here, file) || file} as { "<name>": { "${network.name}": "<id>" } }, ` +
  `and run this again.`;

console.log(
  `Deploying ${names.join(', ')} to ${network.host} as ${deployer.toText()}${ledger ? `, with the ledger ${ledger.toText()}` : ''}.`,
);

try {
  const agent = await HttpAgent.create({ host: network.host, identity, shouldFetchRootKey: !network.mainnet }).catch((error: Error) => {
    throw new Error(`cannot reach ${network.host}: ${error.message.split('\n')[0]}`);
  });
  const target = httpTarget(agent, { name: network.host, provisional: !network.mainnet, cycles, cannotCreate });
  const { ids, outcomes } = await deploySuite(target, {
    names,
    deployer,
    ledger,
    faucet: values.faucet,
    known: await readIds(file, network.name),
    log: (line) => console.log(`  ${line}`),
  });
  await writeIds(file, network.name, ids);
  // Every canister the ids file names for this network, so a faucet npm start deployed keeps its .env line.
  const allIds = { ...(await readIds(file, network.name)), ...ids };
  await writeEnv(here, network.name, network.host, allIds);
  if (ids[WEB_APP_CANISTER] !== undefined) {
    await uploadWebApp({
      agent,
      canisterId: ids[WEB_APP_CANISTER],
      env: webAppEnv(network.name, network.host, allIds),
      log: (line) => console.log(`  ${WEB_APP_CANISTER}: ${line}`),
    });
  }

  const width = Math.max(...names.map((name) => name.length));
  console.log('');
  for (const [name, id] of Object.entries(ids)) console.log(`${name.padEnd(width)}  ${id.toText()}  ${outcomes[name]}`);
  console.log(`\nIds are in ${resolve(file)} and ${join(here, '.env')}.`);
  if (network.mainnet && assets.length > 0) {
    console.log(
      `The web app (${assets.join(', ')}) is DFINITY's asset canister on ic: deploy it with \`dfx deploy --network ic ${assets.join(' ')}\`.`,
    );
  } else if (ids[WEB_APP_CANISTER] !== undefined) {
    console.log(
      `Web app: ${network.host}/?canisterId=${ids[WEB_APP_CANISTER].toText()} (on a local network also http://<id>.localhost:<port>/)`,
    );
  }
} catch (error) {
  fail((error as Error).message);
}
