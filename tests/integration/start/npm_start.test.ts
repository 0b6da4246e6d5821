// `npm start` as a user runs it: the nine canisters and the faucet deployed and reachable from another process
// through the HTTP interface, ids written the dfx way, the deployer's key written for other tools to import, the
// state folder readable by its owner only, and state kept across a restart. On top, the demo market: a fresh
// consumer claims from the faucet and runs a text job and an embedding job to settlement against the demo workers
// (children of npm start, which die with it), and a restart finds the market without duplicating anything.
import { Actor, HttpAgent } from '@dfinity/agent';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';

import { jobRequest } from '../../../src/cli/commands';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import { idlFactory as faucetIdl, type FaucetService } from '../../../src/sdk/faucet';
import { idlFactory as identityIdl, type IdentityService } from '../../../src/sdk/identity';
import { account, approveArgs, idlFactory as ledgerIdl, type LedgerService } from '../../../src/sdk/ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../../src/sdk/marketplace';
import { idlFactory as registryIdl, type RegistryService } from '../../../src/sdk/model_registry';

const user = Ed25519KeyIdentity.generate();
let ids: Record<string, { local: string }>;

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// tsx's loader by absolute URL, since the processes run from a temporary directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CANISTERS = ['ledger', 'identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'verification', 'governance', 'analytics'];
// The demo market's canister, deployed by npm start unless --bare, and the web app's asset canister.
const WITH_FAUCET = [...CANISTERS, 'faucet', 'frontend'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the CLI and resolves once it says the network is running; rejects if it exits first. */
function start(cwd: string, port: number, ...extra: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/localnet/cli.ts'), '--port', String(port), '--state', join(cwd, 'state'), ...extra],
    { cwd },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve({ child, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/** The permission bits of a folder and of everything in it, by path. */
function modes(root: string): Record<string, number> {
  const found: Record<string, number> = { [root]: statSync(root).mode & 0o777 };
  for (const entry of readdirSync(root, { recursive: true }) as string[]) {
    found[join(root, entry)] = statSync(join(root, entry)).mode & 0o777;
  }
  return found;
}

/** What modes() should find under a state folder: 0700 folders, 0600 files. */
function allOwnerOnly(root: string): Record<string, number> {
  const wanted: Record<string, number> = {};
  for (const entry of readdirSync(root, { recursive: true }) as string[]) {
    wanted[join(root, entry)] = statSync(join(root, entry)).isDirectory() ? 0o700 : 0o600;
  }
  return wanted;
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  return exited;
}

/** The processes `parent` started (npm start's workers). */
function childrenOf(parent: ChildProcess): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits up to `ms` for every process to be gone. */
async function gone(pids: number[], ms = 15_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (!pids.some(alive)) return true;
  }
  return false;
}

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

/**
 * A new user with a fresh key, over HTTP as a person's agent: claims from the faucet, then runs one job on `model`
 * (quote, approve payment for it, submit, follow to settlement) and reads its output from the bridge.
 */
async function consumerRuns(port: number, ids: Record<string, { local: string }>, models: { text: bigint; embedding: bigint }) {
  const me = Ed25519KeyIdentity.generate();
  const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true, identity: me });
  const actor = <T>(idl: Parameters<typeof Actor.createActor>[0], name: string) =>
    Actor.createActor<T>(idl, { agent, canisterId: ids[name].local });
  const faucet = actor<FaucetService>(faucetIdl, 'faucet');
  const ledger = actor<LedgerService>(ledgerIdl, 'ledger');
  const marketplace = actor<MarketplaceService>(marketplaceIdl, 'marketplace');
  const bridge = actor<BridgeService>(bridgeIdl, 'bridge');

  const claimed = ok(await faucet.claim());
  expect(await ledger.icrc1_balance_of(account(me.getPrincipal()))).toBe(claimed.amount);
  // Once a day: the second claim says when the next one is possible.
  expect(await faucet.claim()).toMatchObject({ Err: { PrincipalLimitReached: { next_claim_at: claimed.next_claim_at } } });

  const run = async (model: bigint, prompt: string) => {
    const request = jobRequest(String(model), prompt, { maxTokens: 16, redundancy: 1, priority: false, maxPrice: 100_000_000n });
    const quote = ok(await marketplace.quote(request));
    ok(await ledger.icrc2_approve(approveArgs(account(Principal.fromText(ids.payment.local)), quote.total + 10_000n)));
    const job = ok(await marketplace.submit_job(request));
    let state = Object.keys(job.state)[0];
    for (const started = Date.now(); !['settled', 'refunded', 'rejected'].includes(state) && Date.now() - started < 60_000;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      state = Object.keys(ok(await marketplace.get_job(job.id)).state)[0];
    }
    expect(state).toBe('settled');
    return ok(await bridge.get_output(job.id));
  };
  const text = await run(models.text, 'Why is the sky blue?');
  expect(text.tokens.length).toBeGreaterThan(0);
  expect(text.text[0]).toEqual(expect.any(String));
  expect(text.runtime).toMatch(/node-llama-cpp/);
  const embedding = await run(models.embedding, 'Why is the sky blue?');
  expect(embedding.vector).toHaveLength(512);
  expect(embedding.runtime).toMatch(/universal-sentence-encoder-lite/);
}

/** A GET to the network with the Host header a browser sends for http://<host>/ (Node's resolver knows no *.localhost). */
function fetchVia(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const call = (cwd: string, port: number, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', TSX, join(ROOT, 'scripts/call.ts'), ...args, '--host', `http://127.0.0.1:${port}`], {
    cwd,
  });

describe('npm start', () => {
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'localnet-start-'));
    port = await freePort();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('deploys the suite and a demo market where a new user runs jobs, stops its workers with it, and finds it all again after a restart', async () => {
    const first = await start(dir, port);
    let workers: number[] = [];
    let demo: { provider: Principal; text: bigint; embedding: bigint };
    try {
      for (const name of WITH_FAUCET) expect(first.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*installed`));
      ids = JSON.parse(await readFile(join(dir, '.dfx/local/canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      expect(Object.keys(ids).sort()).toEqual([...WITH_FAUCET].sort());
      const env = await readFile(join(dir, '.env'), 'utf8');
      expect(env).toContain('DFX_NETWORK=local');
      expect(env).toContain(`CANISTER_ID_LEDGER=${ids.ledger.local}`);
      expect(env).toContain(`CANISTER_ID_FAUCET=${ids.faucet.local}`);

      // The canisters belong to the deployer identity, not to the anonymous principal anyone can use.
      const deployer = /controlled by the deployer (\S+)\./.exec(first.output())?.[1];
      expect(deployer).toMatch(/-/);
      const page = await (await fetch(`http://127.0.0.1:${port}/_/canister?canisterId=${ids.ledger.local}`)).text();
      expect(page).toContain(deployer);
      expect(page).not.toContain('2vxsx-fae');

      expect((await call(dir, port, 'analytics', 'version')).stdout.trim()).toBe('analytics 0.1.0');

      // The ledger is deployed with the local token, minted by the deployer.
      const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true });
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
        { agent, canisterId: ids.ledger.local },
      );
      expect(await ledger.icrc1_symbol()).toBe('LIT');
      expect((await ledger.icrc1_minting_account())[0]?.owner.toText()).toBe(deployer);

      // Identity was installed knowing its peers' ids, and certifies providers as they register on this network.
      const identity = Actor.createActor<IdentityService>(identityIdl, { agent, canisterId: ids.identity.local });
      const settings = await identity.settings();
      expect(settings.admin.toText()).toBe(deployer);
      expect(settings.ledger[0]?.toText()).toBe(ids.ledger.local);
      expect(settings.auto_certify).toBe(true);
      expect((await call(dir, port, ids.governance.local, 'version')).stdout.trim()).toBe('governance 0.1.0');

      // The deployer's key is in the state folder, which only its owner may read, as is everything in it.
      const pem = join(dir, 'state', 'deployer.pem');
      expect(modes(join(dir, 'state'))).toEqual({ [join(dir, 'state')]: 0o700, ...allOwnerOnly(join(dir, 'state')) });
      expect(modes(join(dir, 'state'))[pem]).toBe(0o600);
      expect(modes(join(dir, 'state'))[join(dir, 'state', 'demo-provider.pem')]).toBe(0o600);
      expect(first.output()).toContain(`icp identity import deployer --from-pem ${pem} --storage plaintext`);
      expect(first.output()).toContain(`dfx identity import deployer ${pem} --storage-mode plaintext`);
      // The project's command line imports it as the deployer npm start printed.
      const imported = await promisify(execFile)(
        process.execPath,
        ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'identity', 'import', 'deployer', pem],
        { cwd: dir, env: { ...process.env, ICP_MARKET_HOME: join(dir, 'home') } },
      );
      expect(imported.stdout.trim()).toBe(`imported deployer: ${deployer}`);
      // The command line claims from the faucet, once a day, and says when the next claim is possible.
      const cli = (...args: string[]) =>
        promisify(execFile)(
          process.execPath,
          ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args, '--network', `http://127.0.0.1:${port}`],
          {
            cwd: dir,
            env: { ...process.env, ICP_MARKET_HOME: join(dir, 'home') },
          },
        );
      // (Not as the deployer: the ledger's minting account burns what it receives.)
      await cli('identity', 'new', 'me');
      expect((await cli('ledger', 'faucet', '--identity', 'me')).stdout).toMatch(
        /^received 10 LIT from the faucet \(block \d+\)\nbalance 10 LIT; next claim possible at \S+Z$/m,
      );
      await expect(cli('faucet', 'claim', '--identity', 'me')).rejects.toThrow(
        /the faucet refused: you claimed 10 LIT today, your daily limit; the next claim is possible at /,
      );

      // The demo market: both models published by the demo provider, certified, staked, one offer each.
      const text = first.output();
      const provider = Principal.fromText(/Demo provider (\S+), staked/.exec(text)![1]);
      const registry = Actor.createActor<RegistryService>(registryIdl, { agent, canisterId: ids.model_registry.local });
      const published = ok(await registry.list({ offset: 0, limit: 10 })).items;
      expect(published.map((m) => [m.name, Object.keys(m.task)[0], m.creator.toText()])).toEqual([
        ['tiny-llama-synthetic', 'text_generation', provider.toText()],
        ['universal-sentence-encoder-lite', 'embedding', provider.toText()],
      ]);
      demo = { provider, text: published[0].id, embedding: published[1].id };
      expect(await identity.standing(provider)).toMatchObject({ certified: true, matchable: true });
      const marketplace = Actor.createActor<MarketplaceService>(marketplaceIdl, { agent, canisterId: ids.marketplace.local });
      const offers = ok(await marketplace.list_offers({ provider: [provider], model: [] }, { offset: 0n, limit: 10 }));
      expect(offers.offers.map((o) => Array.from(o.terms.models))).toEqual([[demo.text], [demo.embedding]]);
      expect(text).toMatch(/claimed the text_generation worker's node/);
      expect(text).toMatch(/claimed the embedding worker's node/);
      // Worker output comes through, prefixed; the synthetic model and the way to a real one are explained.
      expect(text).toMatch(/^\[text worker\] worker: ready$/m);
      expect(text).toMatch(/^\[embedding worker\] worker: ready$/m);
      expect(text).toContain('meaningless text');
      expect(text).toContain('npm run worker -- --model <file.gguf> --model-id <id>');
      expect(text).toContain(`Faucet: \`npm run cli -- ledger faucet\` sends 10 LIT`);
      expect(text).toContain(`Dev Internet Identity: http://127.0.0.1:${port}/internet-identity`);

      // The web app, served by its asset canister through the HTTP gateway at the URL npm start prints, with the
      // network's configuration beside it (a browser resolves <id>.localhost itself; here the Host header says it).
      const webApp = `http://${ids.frontend.local}.localhost:${port}/`;
      expect(text).toContain(`Web app: ${webApp}`);
      expect(text).toContain(`http://127.0.0.1:${port}/?canisterId=${ids.frontend.local}`);
      const viaHost = (path: string) => fetchVia(port, `${ids.frontend.local}.localhost:${port}`, path);
      const home = await viaHost('/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('<div id="app">');
      const config = JSON.parse((await viaHost('/env.json')).body) as Record<string, string>;
      expect(config).toMatchObject({
        DFX_NETWORK: 'local',
        IC_HOST: `http://127.0.0.1:${port}`,
        CANISTER_ID_LEDGER: ids.ledger.local,
        CANISTER_ID_FAUCET: ids.faucet.local,
        CANISTER_ID_FRONTEND: ids.frontend.local,
      });

      // A new user, over HTTP as from a browser or the CLI: faucet tokens, then a text job and an embedding job.
      await consumerRuns(port, ids, demo);

      // A state change through the HTTP interface, signed by a fresh key, to be found again after the restart.
      const signed = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true, identity: user });
      const registrar = Actor.createActor<IdentityService>(identityIdl, { agent: signed, canisterId: ids.identity.local });
      const profile = { name: 'rig', region: 'eu-west', contact: 'ops@rig.test' };
      expect('Ok' in (await registrar.register({ roles: [{ provider: null }], profile: [profile] }))).toBe(true);
      workers = childrenOf(first.child);
      expect(workers).toHaveLength(2);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
    // Ctrl-C stopped the workers too.
    expect(await gone(workers)).toBe(true);

    // State written with wider modes (by an older version, or copied in) is narrowed on the next start.
    await chmod(join(dir, 'state'), 0o755);
    await chmod(join(dir, 'state', 'network.json'), 0o644);
    await chmod(join(dir, 'state', 'deployer.pem'), 0o644);
    const second = await start(dir, port);
    try {
      for (const name of WITH_FAUCET) expect(second.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*unchanged`));
      // Nothing of the web app changed, so nothing was uploaded again.
      expect(second.output()).toMatch(/frontend: the web app's \d+ files are up to date/);
      expect(modes(join(dir, 'state'))).toEqual({ [join(dir, 'state')]: 0o700, ...allOwnerOnly(join(dir, 'state')) });
      // The account registered before the restart is still there: the canisters' memory was saved with the state.
      const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true });
      const identity = Actor.createActor<IdentityService>(identityIdl, { agent, canisterId: ids.identity.local });
      expect((await identity.get_account(user.getPrincipal()))[0]?.profile[0]?.name).toBe('rig');

      // The demo market is found, not made again: same provider, models, nodes and offers; the workers kept their keys.
      const text = second.output();
      expect(text).not.toMatch(/demo provider \S+: registered|staked \d|wrote .*gguf|claimed the|: offer \d+ for model|worker: claim code/);
      expect(text).toMatch(/key read from .*workers\/text_generation\.json/);
      expect(text).toContain(`Demo provider ${demo!.provider.toText()}, staked`);
      const registry = Actor.createActor<RegistryService>(registryIdl, { agent, canisterId: ids.model_registry.local });
      expect(ok(await registry.list({ offset: 0, limit: 10 })).total).toBe(2n);
      const marketplace = Actor.createActor<MarketplaceService>(marketplaceIdl, { agent, canisterId: ids.marketplace.local });
      expect(ok(await marketplace.list_offers({ provider: [demo!.provider], model: [] }, { offset: 0n, limit: 10 })).total).toBe(2n);
      expect((await identity.nodes_of(demo!.provider)).map((n) => Object.keys(n.status)[0])).toEqual(['claimed', 'claimed']);
      // The faucet was topped up again, and still answers over HTTP.
      const faucet = Actor.createActor<FaucetService>(faucetIdl, { agent, canisterId: ids.faucet.local });
      expect((await faucet.claim_status(Principal.anonymous())).available_now).toBe(false);
    } catch (error) {
      await stop(second.child);
      throw error;
    }
    // If npm start dies without a chance to stop them (SIGKILL), its workers stop on their own.
    workers = childrenOf(second.child);
    expect(workers).toHaveLength(2);
    second.child.kill('SIGKILL');
    expect(await gone(workers)).toBe(true);
  }, 300_000);

  it('explains a port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(start(dir, taken, '--bare')).rejects.toThrow(/Cannot listen on 127\.0\.0\.1:\d+.*--port/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
