// The worker: run it on a machine with a model file to sell inference.
//   npm run worker -- --model <file.gguf> --model-id <registry id> [--port 8081] [--public-url <url>]
//                     [--host http://127.0.0.1:4943] [--key .worker/key.json] [--threads 1] [--max-queue 8]
//   npm run worker -- --task embedding --model-id <registry id>     (the embedding model from npm, no file)
// It checks the model against the registry's sha256, serves jobs over HTTP, registers as a node with the identity
// canister and prints a one-time claim code, waits until a provider claims it, tells the bridge where to reach
// it, and sends a heartbeat every 30 seconds. It runs only what the bridge gave this node: every POST /jobs is
// checked against the bridge's job_assignment, asked as this node (src/worker/assignment.ts). Canister ids come
// from .dfx/local/canister_ids.json (npm start).
// Started by another process with an IPC channel (npm start's demo market), it also sends that process its claim
// code and its readiness as messages (WorkerMessage), and stops when the channel closes, i.e. when its parent dies.
import { Actor } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { idlFactory as bridgeIdl, type BridgeService } from '../sdk/bridge';
import { idlFactory as identityIdl, type IdentityService } from '../sdk/identity';
import { idlFactory as registryIdl, type RegistryService } from '../sdk/model_registry';
import { createNetworkAgent } from '../shared/network_agent';
import { bridgeAssignments } from './assignment';
import { loadOrCreateKey } from './key_file';
import { EMBEDDING_MODEL, EMBEDDING_MODEL_SHA256 } from './runtime/embedding_model';
import { detectHardware } from './runtime/hardware';
import { verifyModelFile } from './runtime/model_file';
import { TextGenerator } from './runtime/text_generation';
import { createWorkerServer, JobRunner, MAX_QUEUE, type WorkerModels } from './server';

/** What the worker tells a parent process over IPC, when it has one. */
export type WorkerMessage =
  | { type: 'claim_code'; node: string; code: string; expires_at: string }
  | { type: 'claimed'; node: string; provider: string }
  | { type: 'ready'; node: string; url: string };

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
    'max-queue': { type: 'string', default: `${MAX_QUEUE}` },
    ids: { type: 'string', default: '.dfx/local/canister_ids.json' },
    task: { type: 'string', default: 'text_generation' },
  },
});

function fail(message: string): never {
  console.error(`worker: ${message}`);
  process.exit(1);
}

const USAGE =
  'usage: npm run worker -- --model <file.gguf> --model-id <registry id> [--port 8081]\n' +
  '       npm run worker -- --task embedding --model-id <registry id> [--port 8081]';
const task = values.task;
if (task !== 'text_generation' && task !== 'embedding') fail(`--task is text_generation or embedding, not ${task}\n${USAGE}`);
if (!values['model-id'] || !/^\d+$/.test(values['model-id'])) fail(USAGE);
if (task === 'text_generation') {
  if (!values.model) fail(USAGE);
  if (!existsSync(values.model)) fail(`no model file at ${values.model} (npm run make:test-model writes a tiny one)`);
} else if (values.model) fail('--task embedding serves the embedding model from npm: it takes no --model file');
const maxQueue = Number(values['max-queue']);
if (!Number.isInteger(maxQueue) || maxQueue < 1)
  fail(`--max-queue is the number of jobs running or waiting at once, at least 1, not ${values['max-queue']}`);
if (!existsSync(values.ids)) fail(`no ${values.ids}: start the network with npm start first`);
const ids = JSON.parse(readFileSync(values.ids, 'utf8')) as Record<string, { local: string }>;
const canister = (name: string) => Principal.fromText(ids[name]?.local ?? fail(`${values.ids} names no ${name} canister`));

const { identity, created } = loadOrCreateKey(values.key);
const node = identity.getPrincipal();
console.log(`worker: node ${node.toText()} (key ${created ? 'created at' : 'read from'} ${values.key})`);
const agent = await createNetworkAgent(values.host, identity).catch((error: Error) =>
  fail(`cannot reach the network at ${values.host}: ${error.message}`),
);
const actor = <T>(idl: IDL.InterfaceFactory, name: string) => Actor.createActor<T>(idl, { agent, canisterId: canister(name) });
const identityCanister = actor<IdentityService>(identityIdl, 'identity');
const registry = actor<RegistryService>(registryIdl, 'model_registry');
const bridge = actor<BridgeService>(bridgeIdl, 'bridge');

// The model: only what the registry pins, for the task it names.
const entry = await registry.get(BigInt(values['model-id']!));
if (!('Ok' in entry)) fail(`the registry has no model ${values['model-id']}`);
const model = entry.Ok;
const hex = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('hex');
if (!(task in model.task)) fail(`model ${model.id} (${model.name} ${model.version}) is a ${Object.keys(model.task)[0]} model, not ${task}`);
let models: WorkerModels;
let dispose = async (): Promise<void> => undefined;
let runtime: string;
if (task === 'text_generation') {
  await verifyModelFile(values.model!, model.sha256).catch((error: Error) => fail(error.message));
  const generator = await TextGenerator.load(values.model!, { gpu: 'auto', threads: Number(values.threads) });
  models = { text: { sha256: hex(model.sha256), generator } };
  dispose = () => generator.dispose();
  runtime = generator.runtime;
  // Which template chat jobs are rendered with: the model's own, or the wrapper node-llama-cpp chose for it.
  console.log(`worker: chat jobs use the ${generator.chatTemplate} chat template`);
} else {
  if (hex(model.sha256) !== hex(EMBEDDING_MODEL_SHA256)) {
    fail(
      `model ${model.id} pins sha256 ${hex(model.sha256)}, but this worker's embedding model, ${EMBEDDING_MODEL}, is pinned as ` +
        `${hex(EMBEDDING_MODEL_SHA256)} (the sha256 of that name): refusing to serve it`,
    );
  }
  // Loaded only here: TensorFlow.js and the model weigh on every start of a text worker otherwise.
  const { Embedder } = await import('./runtime/embeddings');
  models = { embedding: { sha256: hex(model.sha256), embedder: await Embedder.load(), runtime: EMBEDDING_MODEL } };
  runtime = EMBEDDING_MODEL;
}
console.log(`worker: serving ${model.name} ${model.version} (${task}) on ${runtime}`);

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
const runner = new JobRunner(models, postResult, maxQueue);
const server = createWorkerServer(runner, { node, assignments: bridgeAssignments(bridge) });
await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
const address = server.address() as { port: number };
// Ctrl-C, a service manager's stop, or the end of the parent that started it: stop serving and free the model.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close();
  void dispose().then(() => process.exit(0));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
const tell = (message: WorkerMessage) => {
  if (process.send !== undefined && process.connected) process.send(message);
};
if (process.send !== undefined) process.on('disconnect', stop);
const publicUrl = values['public-url'] ?? `http://127.0.0.1:${address.port}`;
console.log(`worker: listening on ${publicUrl}`);

// Registration: a node registers once and is claimed once; a restart finds it claimed. A node restarted before
// anyone claimed it registers again, which issues a fresh code in place of the old one (lost, or expired by now).
const hardware = await detectHardware();
let [known] = await identityCanister.get_node(node);
if (known === undefined || 'unclaimed' in known.status) {
  const gpu = hardware.gpus[0];
  const ticket = await identityCanister.register_node({
    gpu_model: gpu ? [gpu.name] : [],
    vram_mib: gpu?.vram_mib ?? 0,
    cpu_cores: hardware.cpu_cores,
    ram_mib: hardware.ram_mib,
    description: hardware.cpu_model,
  });
  if (!('Ok' in ticket)) fail(`registration refused: ${JSON.stringify(ticket.Err)}`);
  const expires = new Date(Number(ticket.Ok.expires_at / 1_000_000n)).toISOString();
  console.log(`worker: claim code ${ticket.Ok.code} (expires ${expires})`);
  tell({ type: 'claim_code', node: node.toText(), code: ticket.Ok.code, expires_at: expires });
  console.log('worker: waiting for a provider to claim this node');
}
while (known === undefined || !('claimed' in known.status)) {
  if (known !== undefined && 'retired' in known.status) fail('this node was retired by its provider');
  await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  [known] = await identityCanister.get_node(node);
}
console.log(`worker: claimed by ${known.provider[0]?.toText()}`);
tell({ type: 'claimed', node: node.toText(), provider: known.provider[0]?.toText() ?? '' });
const endpoint = await bridge.register_endpoint(publicUrl);
if (!('Ok' in endpoint)) fail(`the bridge refused the endpoint: ${JSON.stringify(endpoint.Err)}`);
const beat = async () => {
  const { queue, tokens_per_second } = runner.status();
  await bridge.heartbeat({ queue, tokens_per_second }).catch((error: Error) => console.error(`worker: heartbeat failed: ${error.message}`));
};
await beat();
setInterval(beat, HEARTBEAT_MS);
console.log('worker: ready');
tell({ type: 'ready', node: node.toText(), url: publicUrl });
