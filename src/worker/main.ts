// The worker: run it on a machine with a model file to sell inference.
//   npm run worker -- --model <file.gguf> --model-id <registry id> [--port 8081] [--public-url <url>]
//                     [--host http://127.0.0.1:4943] [--key .worker/key.json] [--threads 1]
// It checks the file against the registry's sha256, serves jobs over HTTP, registers as a node with the identity
// canister and prints a one-time claim code, waits until a provider claims it, tells the bridge where to reach
// it, and sends a heartbeat every 30 seconds. Canister ids come from .dfx/local/canister_ids.json (npm start).
import { Actor, HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { idlFactory as bridgeIdl, type BridgeService } from '../sdk/bridge';
import { idlFactory as identityIdl, type IdentityService } from '../sdk/identity';
import { idlFactory as registryIdl, type RegistryService } from '../sdk/model_registry';
import { loadOrCreateKey } from './key_file';
import { detectHardware } from './runtime/hardware';
import { verifyModelFile } from './runtime/model_file';
import { TextGenerator } from './runtime/text_generation';
import { createWorkerServer, JobRunner } from './server';

const HEARTBEAT_MS = 30_000;
const CLAIM_POLL_MS = 1_000;

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'model-id': { type: 'string' },
    port: { type: 'string', default: '8081' },
    'public-url': { type: 'string' },
    host: { type: 'string', default: 'http://127.0.0.1:4943' },
    key: { type: 'string', default: '.worker/key.json' },
    threads: { type: 'string', default: '1' },
    ids: { type: 'string', default: '.dfx/local/canister_ids.json' },
  },
});

function fail(message: string): never {
  console.error(`worker: ${message}`);
  process.exit(1);
}

if (!values.model || !values['model-id']) fail('usage: npm run worker -- --model <file.gguf> --model-id <registry id> [--port 8081]');
if (!existsSync(values.model)) fail(`no model file at ${values.model} (npm run make:test-model writes a tiny one)`);
if (!existsSync(values.ids)) fail(`no ${values.ids}: start the network with npm start first`);
const ids = JSON.parse(readFileSync(values.ids, 'utf8')) as Record<string, { local: string }>;
const canister = (name: string) => Principal.fromText(ids[name]?.local ?? fail(`${values.ids} names no ${name} canister`));

const { identity, created } = loadOrCreateKey(values.key);
const node = identity.getPrincipal();
console.log(`worker: node ${node.toText()} (key ${created ? 'created at' : 'read from'} ${values.key})`);
const agent = await HttpAgent.create({ host: values.host, shouldFetchRootKey: true, identity }).catch((error: Error) =>
  fail(`cannot reach the network at ${values.host}: ${error.message}`),
);
const actor = <T>(idl: IDL.InterfaceFactory, name: string) => Actor.createActor<T>(idl, { agent, canisterId: canister(name) });
const identityCanister = actor<IdentityService>(identityIdl, 'identity');
const registry = actor<RegistryService>(registryIdl, 'model_registry');
const bridge = actor<BridgeService>(bridgeIdl, 'bridge');

// The model: only the file the registry pins.
const entry = await registry.get(BigInt(values['model-id']));
if (!('Ok' in entry)) fail(`the registry has no model ${values['model-id']}`);
await verifyModelFile(values.model, entry.Ok.sha256).catch((error: Error) => fail(error.message));
const generator = await TextGenerator.load(values.model, { gpu: 'auto', threads: Number(values.threads) });
console.log(`worker: serving ${entry.Ok.name} ${entry.Ok.version} on ${generator.runtime}`);

// Long jobs are acknowledged in the outcall and their results posted here, signed by this node; a post the network
// does not take is tried again a few times before it is given up (the job then times out and is refunded).
const postResult = async (jobId: bigint, answer: Uint8Array): Promise<void> => {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const posted = await bridge.submit_result(jobId, answer).catch((error: Error) => ({ Err: { CallFailed: error.message } }));
    if ('Ok' in posted || !('CallFailed' in posted.Err)) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
  }
  console.error(`worker: could not post the result of job ${jobId}`);
};
const runner = new JobRunner({ text: { sha256: Buffer.from(entry.Ok.sha256).toString('hex'), generator } }, postResult);
const server = createWorkerServer(runner);
await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
const address = server.address() as { port: number };
// Ctrl-C or a service manager's stop: finish serving and free the model, from here on.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    void generator.dispose().then(() => process.exit(0));
  });
}
const publicUrl = values['public-url'] ?? `http://127.0.0.1:${address.port}`;
console.log(`worker: listening on ${publicUrl}`);

// Registration: a node registers once and is claimed once; a restart finds it claimed.
const hardware = await detectHardware();
let [known] = await identityCanister.get_node(node);
if (known === undefined) {
  const gpu = hardware.gpus[0];
  const ticket = await identityCanister.register_node({
    gpu_model: gpu ? [gpu.name] : [],
    vram_mib: gpu?.vram_mib ?? 0,
    cpu_cores: hardware.cpu_cores,
    ram_mib: hardware.ram_mib,
    description: hardware.cpu_model,
  });
  if (!('Ok' in ticket)) fail(`registration refused: ${JSON.stringify(ticket.Err)}`);
  console.log(`worker: claim code ${ticket.Ok.code} (expires ${new Date(Number(ticket.Ok.expires_at / 1_000_000n)).toISOString()})`);
  console.log('worker: waiting for a provider to claim this node');
}
while (known === undefined || !('claimed' in known.status)) {
  if (known !== undefined && 'retired' in known.status) fail('this node was retired by its provider');
  await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  [known] = await identityCanister.get_node(node);
}
console.log(`worker: claimed by ${known.provider[0]?.toText()}`);
const endpoint = await bridge.register_endpoint(publicUrl);
if (!('Ok' in endpoint)) fail(`the bridge refused the endpoint: ${JSON.stringify(endpoint.Err)}`);
const beat = async () => {
  const { queue, tokens_per_second } = runner.status();
  await bridge.heartbeat({ queue, tokens_per_second }).catch((error: Error) => console.error(`worker: heartbeat failed: ${error.message}`));
};
await beat();
setInterval(beat, HEARTBEAT_MS);
console.log('worker: ready');
