// The one deployment procedure of the suite, for npm start (in process), npm run deploy (over HTTP), the tests and
// the benchmarks: every canister is created before any is installed, so each init argument names its peers; new
// canisters get their controllers (governance co-controls what it administers); then each is installed, upgraded
// when its module hash differs from the Wasm's, or left alone. Running it twice changes nothing the second time.
// The faucet (test tokens for anyone) is deployed only when asked, on a local or test network, and topped up.
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fundFaucet } from './faucet.js';
import { controllersOf, type Deployment, initArg, upgradeArg } from './init_args.js';
import type { CanisterState, DeployTarget } from './target.js';

/** What happened to a canister: `outside` is an ICRC-2 ledger that was named, not deployed. */
export type Outcome = 'installed' | 'upgraded' | 'unchanged' | 'outside';

export type SuiteOptions = {
  /** The canisters to deploy, in the order they are created and installed (dfx.json's). */
  names: string[];
  /** Who deploys: the canisters' controller, the ledger's minter and the admin of the others (init_args.ts). */
  deployer: Principal;
  /** Each canister's Wasm, as bytes or a file path; by default this project's `.azle/<name>/<name>.wasm`. */
  wasm?: Partial<Record<string, Uint8Array | string>>;
  /** Ids from an earlier deployment (canister_ids.json); one the network no longer has is created anew. */
  known?: Partial<Record<string, Principal>>;
  /** An outside ICRC-2 ledger: the ledger canister is not deployed and its peers are told this id. */
  ledger?: Principal;
  /**
   * Deploy the faucet too, when `names` lists it (never on mainnet: scripts/deploy.ts refuses it for ic), and top
   * its balance up to FAUCET_FUNDING by minting: the deployer must be the ledger's minting account, so not with an
   * outside `ledger`. Without this, a `faucet` in `names` is left out.
   */
  faucet?: boolean;
  /** A local network (npm start; never `ic`): canisters get the local settings of init_args.ts (governance's short periods). */
  local?: boolean;
  /** Progress, one line per step. */
  log?: (line: string) => void;
};

export type SuiteResult = {
  ids: Record<string, Principal>;
  /** The canisters this run created. */
  created: string[];
  outcomes: Record<string, Outcome>;
  /** What was minted to the faucet this run (0 when it was full, absent without a faucet). */
  faucetFunded?: bigint;
};

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** Where `npm run build` writes a canister's Wasm. */
export const wasmPath = (name: string): string => join(PROJECT, '.azle', name, `${name}.wasm`);

export async function deploySuite(target: DeployTarget, options: SuiteOptions): Promise<SuiteResult> {
  const { deployer, known = {}, ledger, log = () => undefined } = options;
  const names = options.faucet ? options.names : options.names.filter((name) => name !== 'faucet');
  if (names.includes('faucet') && (ledger !== undefined || !names.includes('ledger'))) {
    throw new Error("the faucet mints the local ledger's tokens: it needs the suite's own ledger, not an outside one (--ledger)");
  }
  const ids: Record<string, Principal> = {};
  const outcomes: Record<string, Outcome> = {};
  if (ledger !== undefined && names.includes('ledger')) {
    ids.ledger = ledger;
    outcomes.ledger = 'outside';
  }
  const own = names.filter((name) => outcomes[name] !== 'outside');

  // The canisters the network has already, and those to create.
  const states: Record<string, CanisterState> = {};
  const missing: string[] = [];
  for (const name of own) {
    const id = known[name];
    const state = id ? await step(name, id, 'reading', () => target.canister(id)) : null;
    if (id && state) {
      ids[name] = id;
      states[name] = state;
    } else {
      if (id) log(`${name}: ${id.toText()} is not on ${target.name}; creating a new canister`);
      missing.push(name);
    }
  }
  if (missing.length > 0 && !target.createCanister) {
    throw new Error(
      `${target.name} has no canister for ${missing.join(', ')}, and this deployment cannot create one. ${target.cannotCreate ?? ''}`,
    );
  }
  const created: string[] = [];
  for (const name of missing) {
    ids[name] = await step(name, undefined, 'creating', () => target.createCanister!());
    states[name] = { moduleHash: null, controllers: [deployer] };
    created.push(name);
    log(`${name}: created ${ids[name].toText()}`);
  }
  const deployment: Deployment = { deployer, ids, local: options.local === true };

  // Once every id is known, governance becomes a controller of what it administers (its bootstrap then removes
  // the deployer). Only for empty canisters: created now, or by a run that stopped before installing them.
  for (const name of own) {
    if (states[name].moduleHash !== null) continue;
    const wanted = controllersOf(name, deployment);
    if (!sameSet(wanted, states[name].controllers)) {
      await step(name, ids[name], 'setting the controllers of', () => target.setControllers(ids[name], wanted));
    }
  }

  for (const name of own) {
    const wasm = await readWasm(name, options.wasm?.[name]);
    const { moduleHash, controllers } = states[name];
    const id = ids[name];
    if (moduleHash === null) {
      await step(name, id, 'installing', () => target.install(id, wasm, initArg(name, deployment) ?? EMPTY_ARG, 'install'));
      outcomes[name] = 'installed';
    } else if (Buffer.compare(moduleHash, sha256(wasm)) === 0) {
      outcomes[name] = 'unchanged';
    } else {
      if (!controllers.some((c) => c.compareTo(deployer) === 'eq')) {
        throw new Error(
          `${name} (${id.toText()}) changed, but the deployer ${deployer.toText()} no longer controls it ` +
            `(controllers: ${controllers.map((c) => c.toText()).join(', ') || 'none'}). After governance's bootstrap, ` +
            'an upgrade is an upgrade_canister proposal.',
        );
      }
      await step(name, id, 'upgrading', () => target.install(id, wasm, upgradeArg(name, deployment) ?? EMPTY_ARG, 'upgrade'));
      outcomes[name] = 'upgraded';
    }
    log(`${name}: ${outcomes[name]}`);
  }
  // In the order of `names`, whichever were found and which created.
  const ordered = Object.fromEntries(names.map((name) => [name, ids[name]]));
  if (!names.includes('faucet')) return { ids: ordered, created, outcomes };
  const faucetFunded = await step('faucet', ids.faucet, 'funding', () => fundFaucet(target, ids.ledger, ids.faucet));
  log(`faucet: ${faucetFunded > 0n ? `minted ${faucetFunded} base units to it` : 'funded'}`);
  return { ids: ordered, created, outcomes, faucetFunded };
}

// An empty candid argument list, what a canister taking no argument gets.
const EMPTY_ARG = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);

async function readWasm(name: string, given: Uint8Array | string | undefined): Promise<Uint8Array> {
  if (given instanceof Uint8Array) return given;
  const path = given ?? wasmPath(name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return new Uint8Array(await readFile(path));
}

/** Runs one step, naming the canister and the step in its error. */
async function step<T>(name: string, id: Principal | undefined, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what} ${name}${id ? ` (${id.toText()})` : ''} failed: ${message}`, { cause: error });
  }
}

function sameSet(a: Principal[], b: Principal[]): boolean {
  const text = (list: Principal[]) =>
    list
      .map((p) => p.toText())
      .sort()
      .join(',');
  return text(a) === text(b);
}
