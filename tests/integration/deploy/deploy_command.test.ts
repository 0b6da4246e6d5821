// `npm run deploy` as a person runs it: a separate process deploying the suite over the IC's HTTP interface to a
// network it knows only by URL (here a local network served on a free port), as the identity of a PEM file. The
// first run creates and installs everything (in chunks: each Wasm is over the ingress limit), the second changes
// nothing, and --ledger wires the peers to a ledger deployed elsewhere.
import { Actor, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAUCET_FUNDING } from '../../../src/deploy/faucet';
import { CHUNK_BYTES } from '../../../src/deploy/http_target';
import { resolveNetwork } from '../../../src/deploy/networks';
import { ed25519Pem } from '../../../src/deploy/pem';
import { wasmPath } from '../../../src/deploy/suite';
import { CANISTERS as APP_CANISTERS } from '../../../src/frontend/lib/config';
import { Gateway } from '../../../src/localnet/gateway/server.js';
import { LocalNetwork } from '../../../src/localnet/index.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
// The canisters the web app needs, the OpenAI-compatible API's (optional to the web app, always deployed), and the
// web app's own asset canister (dfx.json's frontend), which gets the built app uploaded on every network but ic.
const CANISTERS = [...APP_CANISTERS, 'api', 'frontend'];

type Run = { code: number; out: string };

/** Runs scripts/deploy.ts in `cwd` against `url`; resolves with its exit code and output. */
function deploy(cwd: string, url: string, pem: string, ...extra: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, join(ROOT, 'scripts/deploy.ts'), '--network', url, '--identity', pem, '--no-build', ...extra],
      { cwd, timeout: 300_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** The outcome the summary table gives each canister. */
function outcomes(out: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of out.matchAll(/^(\w+)\s+([a-z0-9-]+-cai)\s+(installed|upgraded|unchanged|outside)$/gm)) found[match[1]] = match[3];
  return found;
}

describe('npm run deploy', () => {
  let network: LocalNetwork;
  let gateway: Gateway;
  let url: string;
  let dir: string;
  let pem: string;
  const deployer = Ed25519KeyIdentity.generate();
  let ids: Record<string, string>;
  let agent: HttpAgent;

  const settingsOf = (canisterId: string) =>
    Actor.createActor<{ settings(): Promise<{ admin: Principal; ledger: [] | [Principal] }> }>(
      ({ IDL }) =>
        IDL.Service({ settings: IDL.Func([], [IDL.Record({ admin: IDL.Principal, ledger: IDL.Opt(IDL.Principal) })], ['query']) }),
      { agent, canisterId },
    ).settings();

  /** Runs deploy in `dir` against `url` as the PEM, with the management methods its ingress messages called. */
  async function deployWatched(): Promise<Run & { calls: string[] }> {
    const calls: string[] = [];
    const induct = network.inductIngress.bind(network);
    network.inductIngress = (options) => {
      if (options.canisterId.compareTo(Principal.managementCanister()) === 'eq') calls.push(options.method);
      return induct(options);
    };
    try {
      return { ...(await deploy(dir, url, pem)), calls };
    } finally {
      network.inductIngress = induct;
    }
  }

  beforeAll(async () => {
    network = await LocalNetwork.create({ autoTime: true });
    gateway = new Gateway(network);
    url = await gateway.listen({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'deploy-'));
    pem = join(dir, 'deployer.pem');
    await writeFile(pem, ed25519Pem(deployer), { mode: 0o600 });
    agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
  });
  afterAll(async () => {
    await gateway.close();
    await network.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and installs the suite, writes the ids the dfx way, and the canisters answer', async () => {
    const first = await deployWatched();
    expect(first.code, first.out).toBe(0);
    expect(outcomes(first.out)).toEqual(Object.fromEntries(CANISTERS.map((name) => [name, 'installed'])));
    // Each module is over the 2 MiB an ingress message may carry, so each went up in chunks.
    const count = (method: string) => first.calls.filter((m) => m === method).length;
    expect(count('provisional_create_canister_with_cycles')).toBe(CANISTERS.length);
    expect(count('install_chunked_code')).toBe(CANISTERS.length);
    const chunks = CANISTERS.reduce((sum, name) => sum + Math.ceil(statSync(wasmPath(name)).size / CHUNK_BYTES), 0);
    expect(count('upload_chunk')).toBe(chunks);
    expect(count('install_code')).toBe(0);
    expect(first.out).toMatch(/frontend: uploaded \d+ file\(s\)/);

    // An ad-hoc network's ids go under .dfx/<its name>, keyed by that name, as dfx keeps them; .env has them too.
    const name = resolveNetwork(url).name;
    const json = JSON.parse(await readFile(join(dir, '.dfx', name, 'canister_ids.json'), 'utf8')) as Record<string, Record<string, string>>;
    ids = Object.fromEntries(Object.entries(json).map(([canister, byNetwork]) => [canister, byNetwork[name]]));
    expect(Object.keys(ids).sort()).toEqual([...CANISTERS].sort());
    const env = await readFile(join(dir, '.env'), 'utf8');
    expect(env).toContain(`DFX_NETWORK=${name}`);
    for (const canister of CANISTERS) expect(env).toContain(`CANISTER_ID_${canister.toUpperCase()}=${ids[canister]}`);

    // The ledger is the local token minted by the PEM's principal, which administers identity.
    const me = deployer.getPrincipal().toText();
    const ledger = Actor.createActor<{ icrc1_symbol(): Promise<string>; icrc1_minting_account(): Promise<[] | [{ owner: Principal }]> }>(
      ({ IDL }) =>
        IDL.Service({
          icrc1_symbol: IDL.Func([], [IDL.Text], ['query']),
          icrc1_minting_account: IDL.Func(
            [],
            [IDL.Opt(IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }))],
            ['query'],
          ),
        }),
      { agent, canisterId: ids.ledger },
    );
    expect(await ledger.icrc1_symbol()).toBe('LIT');
    expect((await ledger.icrc1_minting_account())[0]?.owner.toText()).toBe(me);
    const settings = await settingsOf(ids.identity);
    expect(settings.admin.toText()).toBe(me);
    expect(settings.ledger[0]?.toText()).toBe(ids.ledger);
    // Governance co-controls what it administers; the ledger is the deployer's alone.
    const controllers = async (id: string) => (await network.getControllers(Principal.fromText(id))).map((p) => p.toText()).sort();
    expect(await controllers(ids.identity)).toEqual([me, ids.governance].sort());
    expect(await controllers(ids.ledger)).toEqual([me]);
  });

  it('changes nothing on a second run', async () => {
    const hashes = () =>
      CANISTERS.map((name) => [name, Buffer.from(network.scheduler.canister(Principal.fromText(ids[name]))!.module!.hash).toString('hex')]);
    const before = hashes();
    const count = network.scheduler.canisters.size;
    const second = await deployWatched();
    expect(second.code, second.out).toBe(0);
    expect(outcomes(second.out)).toEqual(Object.fromEntries(CANISTERS.map((name) => [name, 'unchanged'])));
    expect(second.out).toMatch(/frontend: the web app's \d+ files are up to date/);
    // No install, upgrade or new canister: the management canister was asked for nothing, and the modules are as they
    // were. (Canister versions are no measure: identity's 30 s timer may run while deploy does.)
    expect(second.calls).toEqual([]);
    expect(hashes()).toEqual(before);
    expect(network.scheduler.canisters.size).toBe(count);
  });

  it('with --ledger, deploys no ledger and gives the peers that id', async () => {
    const other = await mkdtemp(join(tmpdir(), 'deploy-ledger-'));
    try {
      const count = network.scheduler.canisters.size;
      const run = await deploy(other, url, pem, '--ledger', ids.ledger);
      expect(run.code, run.out).toBe(0);
      expect(outcomes(run.out)).toEqual(Object.fromEntries(CANISTERS.map((name) => [name, name === 'ledger' ? 'outside' : 'installed'])));
      expect(network.scheduler.canisters.size).toBe(count + CANISTERS.length - 1);
      const name = resolveNetwork(url).name;
      const json = JSON.parse(await readFile(join(other, '.dfx', name, 'canister_ids.json'), 'utf8')) as Record<
        string,
        Record<string, string>
      >;
      expect(json.ledger[name]).toBe(ids.ledger);
      expect(json.identity[name]).not.toBe(ids.identity);
      expect((await settingsOf(json.identity[name])).ledger[0]?.toText()).toBe(ids.ledger);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('the deployer, imported into the command line, hands the suite over to governance; deploy still finds it unchanged', async () => {
    const home = join(dir, 'home');
    const name = resolveNetwork(url).name;
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
        cwd: dir,
        env: { ...process.env, ICP_MARKET_HOME: home },
      });
    expect((await cli('identity', 'import', 'deployer', pem)).stdout.trim()).toBe(`imported deployer: ${deployer.getPrincipal().toText()}`);
    const { stdout } = await cli('governance', 'bootstrap', '--network', url, '--ids', join(dir, '.dfx', name, 'canister_ids.json'));
    expect(stdout).toContain(`governance ${ids.governance} now administers`);
    expect(await network.getControllers(Principal.fromText(ids.identity))).toEqual([Principal.fromText(ids.governance)]);
    // The api canister may spend its key owners' allowances, so it is governance's alone too.
    expect(await network.getControllers(Principal.fromText(ids.api))).toEqual([Principal.fromText(ids.governance)]);

    // Module hashes are public (read_state), so a deployer that no longer controls the suite still sees it is current.
    const again = await deploy(dir, url, pem);
    expect(again.code, again.out).toBe(0);
    expect(outcomes(again.out)).toEqual(Object.fromEntries(CANISTERS.map((canister) => [canister, 'unchanged'])));
  });

  it('refuses a network it cannot reach and a missing key, saying why', async () => {
    const missing = await deploy(dir, url, join(dir, 'nope.pem'));
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/no such file/);
    const nowhere = await deploy(dir, 'http://127.0.0.1:1', pem);
    expect(nowhere.code).toBe(1);
    expect(nowhere.out).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it('with --faucet, adds the faucet on a test network, funded by minting; refuses it for ic and with --ledger, and ic without --ledger', async () => {
    const ic = await deploy(dir, 'ic', pem, '--faucet');
    expect(ic.code).toBe(1);
    expect(ic.out).toMatch(/--faucet is for local and test networks: https:\/\/icp-api\.io is mainnet/);
    const testToken = await deploy(dir, 'ic', pem);
    expect(testToken.code).toBe(1);
    expect(testToken.out).toMatch(/on mainnet pass --ledger <id> of a real ICRC-2 ledger/);
    const outside = await deploy(dir, url, pem, '--faucet', '--ledger', ids.ledger);
    expect(outside.code).toBe(1);
    expect(outside.out).toMatch(/cannot go with --ledger/);

    const run = await deploy(dir, url, pem, '--faucet');
    expect(run.code, run.out).toBe(0);
    expect(outcomes(run.out)).toEqual({ ...Object.fromEntries(CANISTERS.map((name) => [name, 'unchanged'])), faucet: 'installed' });
    const name = resolveNetwork(url).name;
    const json = JSON.parse(await readFile(join(dir, '.dfx', name, 'canister_ids.json'), 'utf8')) as Record<string, Record<string, string>>;
    const faucet = json.faucet[name];
    // Minted to it over HTTP by the deployer, the ledger's minting account.
    const ledger = Actor.createActor<{ icrc1_balance_of(a: { owner: Principal; subaccount: [] }): Promise<bigint> }>(
      ({ IDL }) =>
        IDL.Service({
          icrc1_balance_of: IDL.Func([IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) })], [IDL.Nat], ['query']),
        }),
      { agent, canisterId: ids.ledger },
    );
    expect(await ledger.icrc1_balance_of({ owner: Principal.fromText(faucet), subaccount: [] })).toBe(FAUCET_FUNDING);
    expect(run.out).toContain(`faucet: minted ${FAUCET_FUNDING} base units to it`);
  });
});
