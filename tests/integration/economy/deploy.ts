// The five economy canisters (ledger, identity, model registry, marketplace, payment) deployed on one local
// network exactly as `npm start` wires them (src/deploy/init_args.ts), with the steps the economy tests and the
// job benchmark share: minting, approving, a published model, and a certified and staked provider with a claimed
// node and an offer. No vitest here, so benchmarks can import it; suite.ts adds the checks.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Offer, OfferTerms } from '../../../canisters/marketplace/offer_types';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import type { Account } from '../../../canisters/ledger/types';
import type { Access, Model } from '../../../canisters/shared/models';
import { deploySuite } from '../../../src/deploy/suite.js';
import { localTarget } from '../../../src/deploy/target.js';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { bridgeAssignments } from '../../../src/worker/assignment';
import { createWorkerServer, type JobRunner } from '../../../src/worker/server';
import { idlFactory as bridgeIdl, BRIDGE_WASM, type BridgeService } from '../bridge/client';
import { idlFactory as verificationIdl, type VerificationService } from '../../../src/sdk/verification';
import { idlFactory as governanceIdl, type GovernanceService } from '../../../src/sdk/governance';
import { idlFactory as identityIdl, IDENTITY_WASM, type IdentityService } from '../identity/client';
import { FEE, LEDGER_WASM, account, approveArgs, idlFactory as ledgerIdl, transferArgs, type LedgerService } from '../ledger/client';
import { idlFactory as marketplaceIdl, MARKETPLACE_WASM, type MarketplaceService } from '../marketplace/client';
import { idlFactory as registryIdl, REGISTRY_WASM, type RegistryService } from '../model_registry/client';
import { idlFactory as paymentIdl, PAYMENT_WASM, type PaymentService } from '../payment/client';
import { randomUser } from '../localnet/probe';
import { ANALYTICS_WASM, idlFactory as analyticsIdl, type AnalyticsService } from '../analytics/client';

export { FEE, account };

const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));

export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${show(result.Err)}`);
  return result.Ok;
}

/** The name of the error variant, failing the test on Ok. */
export function errName(result: { Ok: unknown } | { Err: object }): string {
  if (!('Err' in result)) throw new Error(`expected Err, got Ok ${show(result.Ok)}`);
  return Object.keys(result.Err)[0];
}

export const WASM = {
  ledger: LEDGER_WASM,
  identity: IDENTITY_WASM,
  model_registry: REGISTRY_WASM,
  marketplace: MARKETPLACE_WASM,
  payment: PAYMENT_WASM,
  bridge: BRIDGE_WASM,
  verification: '.azle/verification/verification.wasm',
  analytics: ANALYTICS_WASM,
  governance: '.azle/governance/governance.wasm',
  api: '.azle/api/api.wasm',
} as const;
export type CanisterName = keyof typeof WASM;
/** The economy alone: without a bridge, the admin reports job outcomes (the test path). */
export const NAMES: CanisterName[] = ['ledger', 'identity', 'model_registry', 'marketplace', 'payment'];

export type Economy = Awaited<ReturnType<typeof deployEconomy>>;

/** Deploys `names` as `deployer` with deploySuite, the procedure npm start and npm run deploy use. */
export async function deployEconomy(network: LocalNetwork, deployer: Principal, names: CanisterName[] = NAMES) {
  const { ids } = (await deploySuite(localTarget(network, deployer), { names, deployer, wasm: WASM })) as {
    ids: Record<CanisterName, Principal>;
  };
  await network.tick();
  const economy = {
    network,
    deployer,
    /** Who certifies providers in onboardProvider: the deployer, until governance's bootstrap takes it off. */
    certifier: deployer,
    ids,
    ledger: network.createActor<LedgerService>(ledgerIdl, ids.ledger),
    identity: network.createActor<IdentityService>(identityIdl, ids.identity),
    registry: network.createActor<RegistryService>(registryIdl, ids.model_registry),
    marketplace: network.createActor<MarketplaceService>(marketplaceIdl, ids.marketplace),
    payment: network.createActor<PaymentService>(paymentIdl, ids.payment),
    bridge: names.includes('bridge') ? network.createActor<BridgeService>(bridgeIdl, ids.bridge) : undefined,
    verification: names.includes('verification') ? network.createActor<VerificationService>(verificationIdl, ids.verification) : undefined,
    analytics: names.includes('analytics') ? network.createActor<AnalyticsService>(analyticsIdl, ids.analytics) : undefined,
    governance: names.includes('governance') ? network.createActor<GovernanceService>(governanceIdl, ids.governance) : undefined,
  };
  // Random audits re-run jobs on other nodes at 10% by default; tests that want them turn them on.
  if (economy.bridge) {
    economy.bridge.setPrincipal(deployer);
    ok(await economy.bridge.set_audit_rate(0));
  }
  return economy;
}

/** The deployer is the local token's minting account: a transfer from it mints. */
export async function mint(e: Economy, to: Principal, amount: bigint): Promise<void> {
  e.ledger.setPrincipal(e.deployer);
  ok(await e.ledger.icrc1_transfer(transferArgs(account(to), amount)));
}

export async function approve(e: Economy, owner: Principal, spender: Principal, amount: bigint): Promise<void> {
  e.ledger.setPrincipal(owner);
  ok(await e.ledger.icrc2_approve(approveArgs(account(spender), amount)));
}

export const balance = (e: Economy, owner: Principal | Account): Promise<bigint> =>
  e.ledger.icrc1_balance_of('owner' in owner ? owner : account(owner));

export async function publishModel(
  e: Economy,
  creator: Principal,
  name: string,
  royalty_bps: number,
  access: Access = { public: null },
  sha256: Uint8Array = createHash('sha256').update(name).digest(),
): Promise<Model> {
  e.registry.setPrincipal(creator);
  return ok(
    await e.registry.publish({
      name,
      version: '1.0.0',
      task: { text_generation: null },
      format: { gguf: null },
      sha256,
      size_bytes: 1_000_000n,
      license: 'apache-2.0',
      royalty_bps,
      access,
    }),
  );
}

/** An embedding model (the worker's Universal Sentence Encoder lite, as tfjs) published by a fresh creator. */
export async function publishEmbeddingModel(e: Economy, sha256: Uint8Array, name = 'use-lite'): Promise<Model> {
  e.registry.setPrincipal(randomUser());
  return ok(
    await e.registry.publish({
      name,
      version: '1',
      task: { embedding: null },
      format: { other: 'tfjs' },
      sha256,
      size_bytes: 1n,
      license: 'apache-2.0',
      royalty_bps: 0,
      access: { public: null },
    }),
  );
}

/**
 * Matching ranks offers by price alone (the marketplace's score weights, set as its admin, the deployer): the
 * cheapest eligible offer runs a job, the next are its spares, whatever the providers' reputations. For tests whose
 * liar must keep running jobs after it is slashed, which also lowers its reputation (pushed to the marketplace at
 * once) and would otherwise rank it below the honest providers that were paid.
 */
export async function rankByPrice(e: Economy): Promise<void> {
  e.marketplace.setPrincipal(e.deployer);
  const config = await e.marketplace.get_config();
  ok(await e.marketplace.set_config({ ...config, weights: { hardware: 0, reputation: 0, price: 10_000, region_latency: 0, load: 0 } }));
}

/** What onboardProvider stakes unless told otherwise: identity's minimum stake (settings.min_stake), 1 LIT. */
export const STAKE = 100_000_000n;

/**
 * A provider as the design's step 1 has it: registered, certified by `e.certifier`, staked through ICRC-2, with a
 * worker node registered and claimed by code, and one offer for `models` naming that node. The marketplace copies
 * its standing from identity.
 */
export async function onboardProvider(
  e: Economy,
  models: bigint[],
  terms: Partial<OfferTerms> = {},
  /**
   * A claim code a worker printed: claim that node instead of registering a new one. Or options: that claim code,
   * and `stake` (STAKE, identity's minimum, unless given): a provider a test slashes more than once needs more,
   * since one 10% slash of the bare minimum leaves it below the minimum, no longer matched.
   */
  options: string | { claimCode?: string; stake?: bigint } = {},
): Promise<{ provider: Principal; node: Principal; offer: Offer }> {
  const { claimCode, stake = STAKE } = typeof options === 'string' ? { claimCode: options } : options;
  const provider = randomUser();
  e.identity.setPrincipal(provider);
  ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'rig', region: 'eu-west', contact: 'ops@rig.test' }] }));
  e.identity.setPrincipal(e.certifier);
  ok(await e.identity.set_certification(provider, { certified: null }, 'passed the checks'));
  // The approve and the transfer_from each pay one fee.
  await mint(e, provider, stake + 2n * FEE);
  await approve(e, provider, e.ids.identity, stake + FEE);
  e.identity.setPrincipal(provider);
  ok(await e.identity.stake(stake));

  let code = claimCode;
  if (code === undefined) {
    e.identity.setPrincipal(randomUser());
    const hardware = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig' };
    code = ok(await e.identity.register_node(hardware)).code;
  }
  e.identity.setPrincipal(provider);
  const node = ok(await e.identity.claim_node(code)).id;

  e.marketplace.setPrincipal(provider);
  const offer = ok(
    await e.marketplace.create_offer({
      nodes: [node],
      models,
      hardware: { gpu_model: 'RTX 4090', vram_gib: 24, compute_capability_x10: 89, cpu_cores: 16, ram_gib: 64 },
      region: 'eu-west',
      price: { unit: { per_request: null }, amount: 1_000_000n },
      reservation_price_per_slot_hour: 3_000_000n,
      capacity: 2,
      sla: { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 0 },
      ...terms,
    }),
  );
  const standing = ok(await e.marketplace.refresh_standing(provider));
  if (!standing.certified || standing.stake !== stake) throw new Error('the marketplace did not see the provider certified and staked');
  return { provider, node, offer };
}

export const PROMPT = 'Why is the sky blue?';

/** A job for `model` carrying PROMPT as its input (hash and size to match), 256 tokens, one replica. */
export function jobRequest(model: bigint, overrides: Partial<JobRequest> = {}): JobRequest {
  const input = Buffer.from(PROMPT, 'utf8');
  return {
    model,
    input_hash: createHash('sha256').update(input).digest(),
    input_bytes: BigInt(input.length),
    max_tokens: 256,
    max_price: 10_000_000n,
    redundancy: 1,
    lane: { standard: null },
    region: ['eu-west'],
    hardware: { min_vram_gib: 16, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [PROMPT],
    generation: [],
    ...overrides,
  };
}

/**
 * Serves `runner` on a free loopback port and registers that URL with the bridge as `node`'s endpoint. Like
 * `npm run worker`, it runs only what the bridge gave the node, asking job_assignment as the node.
 */
export async function serveWorker(e: Economy, node: Principal, runner: JobRunner): Promise<{ server: Server; url: string }> {
  const asNode = e.network.createActor<BridgeService>(bridgeIdl, e.ids.bridge);
  asNode.setPrincipal(node);
  const server = createWorkerServer(runner, { node, assignments: bridgeAssignments(asNode) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  e.bridge!.setPrincipal(node);
  ok(await e.bridge!.register_endpoint(url));
  return { server, url };
}
