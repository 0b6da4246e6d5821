// `npm start`: builds what changed, starts the local network with its state in .localnet-state,
// deploys (or upgrades) the canisters of dfx.json with deploySuite (src/deploy), writes their ids the way dfx does
// (.env and .dfx/local/canister_ids.json) and the deployer's key as .localnet-state/deployer.pem, sets up the demo
// market (demo.ts: faucet, models, a demo provider and one worker process per model; not with --bare), uploads the
// web app (dist/frontend and the network's env.json) into dfx.json's `frontend` asset canister, which the HTTP
// gateway serves at http://<id>.localhost:<port>/, and runs until Ctrl-C, stopping the workers and saving state on
// the way out.
import { HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { importCommands, localDeployer, writeDeployerPem } from '../deploy/deployer.js';
import { idsFile as idsFileOf, readIds, resolveNetwork, writeEnv, writeIds } from '../deploy/networks.js';
import { deploySuite } from '../deploy/suite.js';
import { localTarget } from '../deploy/target.js';
import { uploadWebApp, WEB_APP_CANISTER, webAppEnv } from '../deploy/web_app.js';
import { formatAmount } from '../cli/amounts.js';
import { LOCAL_TOKEN } from '../deploy/init_args.js';
import { idlFactory as faucetIdl, type FaucetService } from '../sdk/faucet.js';
import { type DemoMarket, lit, startDemoMarket } from './demo.js';
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
    bare: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    [
      'usage: npm start [-- --port <n>] [--host <address>] [--state <dir>] [--clean] [--bare]',
      '  --port   HTTP interface port (default 4943, as dfx)',
      '  --host   address to listen on (default 127.0.0.1)',
      '  --state  where canisters are kept (default .localnet-state)',
      '  --clean  start from an empty network',
      '  --bare   the network and the suite alone: no faucet, models, demo provider or workers',
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
// A taken port is found before the build (tens of seconds), not after it. The gateway listens again below, which
// reports the port taken by someone else in between the same way.
const portError = await new Promise<Error | null>((done) => {
  const probe = createServer();
  probe.once('error', done);
  probe.listen(port, values.host, () => probe.close(() => done(null)));
});
if (portError) {
  console.error(`Cannot listen on ${values.host}:${port}: ${portError.message}. Is another network running? Try --port.`);
  process.exit(1);
}
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
  // Test tokens for anyone: part of the demo market, and only ever on a local or test network.
  faucet: !values.bare,
  // A local network's settings (src/deploy/init_args.ts): governance votes for 60 s, with a 10 s timelock.
  local: true,
});
await writeIds(idsFile, local.name, ids);
await writeEnv(here, local.name, url, ids);

// The web app, as a canister serves it through the HTTP gateway: what changed of the build, and env.json with this
// network's ids (the app reads it at run time), uploaded by the deployer over the HTTP interface, as dfx uploads.
let webAppError: Error | undefined;
if (ids[WEB_APP_CANISTER] !== undefined) {
  try {
    const agent = await HttpAgent.create({ host: url, identity: deployerKey, shouldFetchRootKey: true });
    await uploadWebApp({
      agent,
      canisterId: ids[WEB_APP_CANISTER],
      env: webAppEnv(local.name, url, ids),
      log: (line) => console.log(`${WEB_APP_CANISTER}: ${line}`),
    });
  } catch (error) {
    webAppError = error as Error;
  }
}
await network.checkpoint();

// Ctrl-C, a service manager's stop: the workers first (they call the network), then the network, saved.
let demo: DemoMarket | undefined;
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(demo ? '\nStopping: the workers, then saving state…' : '\nStopping: saving state…');
  await demo?.stop();
  await gateway.close();
  await network.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

// The demo market: certified-on-registration providers, the faucet funded, both models published, a staked demo
// provider and a worker per model, claimed and offered. The workers are this process's children: they stop with
// it, and on their own when it dies (their IPC channel closes).
let demoError: Error | undefined;
if (!values.bare) {
  console.log('\nSetting up the demo market…');
  try {
    demo = await startDemoMarket({
      network,
      url,
      ids,
      deployer,
      idsFile: resolve(idsFile),
      stateDir,
      root,
      here,
      log: (line) => console.log(`  ${line}`),
    });
    await network.checkpoint();
  } catch (error) {
    demoError = error as Error;
  }
}

const width = Math.max(...Object.keys(ids).map((name) => name.length));
console.log(`\nLocal network running at ${url} (state in ${stateDir}); canister ids are in .env and ${idsFile}.`);
console.log(`Canisters are controlled by the deployer ${deployer.toText()}.`);
if (ids.governance) console.log('Governance is a controller too: its bootstrap(), called by the deployer, hands the suite over to it.');
for (const [name, id] of Object.entries(ids)) {
  console.log(`  ${name.padEnd(width)}  ${id.toText()}  ${url}/_/canister?canisterId=${id.toText()}  ${outcomes[name]}`);
}
console.log(`\nThe deployer's key is ${pemFile} (PKCS#8 Ed25519 PEM, 0600). To act as the deployer, import it:`);
for (const line of importCommands(pemFile)) console.log(`  ${line}`);

if (demo !== undefined) {
  const { config } = await network.createActor<FaucetService>(faucetIdl, ids.faucet).settings();
  const everyDay = config.per_principal_daily / config.amount;
  console.log('\nDemo market (npm start -- --bare leaves it out):');
  console.log(
    `  Faucet: \`npm run cli -- ledger faucet\` sends ${lit(config.amount)} to whoever calls it, ${everyDay} time(s) a day ` +
      `per principal (${lit(config.daily)} a day in all).`,
  );
  console.log("  Providers are certified as they register here (identity's auto_certify setting, on for this local network).");
  console.log(`  Demo provider ${demo.provider.toText()}, staked; its key is ${demo.pemFile}.`);
  for (const worker of demo.workers) {
    const { model, offer } = worker;
    const price = `${formatAmount(offer.terms.price.amount, LOCAL_TOKEN.decimals)} ${LOCAL_TOKEN.symbol}`;
    console.log(
      `  model ${model.id}: ${model.name} ${model.version} (${worker.task}), offer ${offer.id} at ${price} a request, ` +
        `worker ${worker.node.toText()} at ${worker.url}`,
    );
  }
  const text = demo.workers.find((w) => w.task === 'text_generation')!.model.id;
  const embedding = demo.workers.find((w) => w.task === 'embedding')!.model.id;
  console.log(
    `  The text model is synthetic (${relativeTo(here, demo.modelFile)}): a real llama architecture with seeded weights,\n` +
      '  so it writes meaningless text. To serve real text, publish a llama-family GGUF file (the registry pins its\n' +
      '  sha256) and serve it with a worker, as a provider of your own (after `npm run cli -- identity new me`):\n' +
      '    npm run cli -- ledger faucet && npm run cli -- provider register me local && npm run cli -- provider stake 1\n' +
      '    npm run cli -- model publish <file.gguf> --name <name> --version 1      # prints the model id\n' +
      '    npm run worker -- --model <file.gguf> --model-id <id> --port 8082      # prints a claim code\n' +
      '    npm run cli -- provider claim <code> && npm run cli -- provider offer <id> 0.01',
  );
  console.log(
    `  Try it: npm run cli -- identity new me && npm run cli -- ledger faucet && npm run cli -- job submit ${text} "Why is the sky blue?"\n` +
      `          then npm run cli -- job wait <id>  (embeddings: job submit ${embedding} "<text>")`,
  );
} else if (demoError !== undefined) {
  console.error(`\nThe demo market could not be set up: ${demoError.message}`);
  console.error('The network and the canisters run without it (npm start -- --bare skips it).');
}

console.log(`\nNetwork: ${url}  (agents: new HttpAgent({ host: '${url}', shouldFetchRootKey: true }))`);
console.log(`Dev Internet Identity: ${url}/internet-identity  (AuthClient's identityProvider on this network)`);
const frontend = ids[WEB_APP_CANISTER];
if (frontend !== undefined && webAppError === undefined) {
  console.log(`\nWeb app: ${canisterUrl(url, frontend)}`);
  console.log(
    `  (served by the ${WEB_APP_CANISTER} asset canister through the HTTP gateway; where *.localhost does not resolve: ${url}/?canisterId=${frontend.toText()})`,
  );
} else if (webAppError !== undefined) {
  console.error(`\nThe web app could not be uploaded: ${webAppError.message}`);
}
if (ids.api !== undefined) {
  console.log(`\nOpenAI-compatible API: ${canisterUrl(url, ids.api)}v1`);
  console.log('  (any OpenAI client with this base URL and a key: npm run cli -- keys create; the README\'s "OpenAI-compatible API")');
  // Node and Python resolve no *.localhost name; the gateway's ?canisterId= form needs none (the clients' default query).
  console.log(`  From Node or Python: base URL ${url}/v1 with the query canisterId=${ids.api.toText()}`);
}
console.log('Press Ctrl-C to stop.');
setInterval(() => undefined, 1 << 30);

/**
 * A canister's address through the HTTP gateway (the web app's, the API's): `<id>.localhost` on the network's port,
 * which browsers resolve to the loopback address, and the gateway serves as the boundary nodes serve `<id>.icp0.io`.
 */
function canisterUrl(network: string, canisterId: Principal): string {
  const { protocol, port } = new URL(network);
  return `${protocol}//${canisterId.toText()}.localhost${port ? `:${port}` : ''}/`;
}

function relativeTo(from: string, path: string): string {
  return path.startsWith(`${from}/`) ? path.slice(from.length + 1) : path;
}
