// `npm start` over its process's whole life, which the shared started system of the system tests (tests/system,
// where a new user's faucet claim, jobs and the README's walkthroughs run) cannot show: the state folder readable by
// its owner only, Ctrl-C stopping the workers, a restart finding the canisters, an account and the demo market again
// without duplicating anything (and narrowing wider file modes), the workers stopping on their own when npm start is
// SIGKILLed, and a port that is taken. And the web app: uploaded into its asset canister and served through the
// gateway at the URL npm start prints, with the network's env.json, kept across the restart and not uploaded again.
import { Actor, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { idlFactory as faucetIdl, type FaucetService } from '../../../src/sdk/faucet';
import { idlFactory as identityIdl, type IdentityService } from '../../../src/sdk/identity';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../../src/sdk/marketplace';
import { idlFactory as registryIdl, type RegistryService } from '../../../src/sdk/model_registry';
import { CANISTERS as APP_CANISTERS } from '../../../src/frontend/lib/config';
import { freePort, gone, startNpmStart } from '../../support/npm_start';

// The canisters the web app needs, and the OpenAI-compatible API's (optional to the app, always deployed).
const CANISTERS = [...APP_CANISTERS, 'api'];
// The demo market's canister, deployed by npm start unless --bare, and the web app's asset canister.
const WITH_FAUCET = [...CANISTERS, 'faucet', 'frontend'];

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

/**
 * npm start's worker processes: its children that run src/worker/main.ts. Not all its children: tsx's loader starts
 * esbuild's service (`esbuild --service=<version> --ping`) as a child of the process it runs in whenever it must
 * compile a file its cache lacks (a source edited since the last run), and that child lives as long as npm start.
 */
function workersOf(parent: ChildProcess): number[] {
  let listing = '';
  try {
    listing = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are no children
  }
  return listing
    .split('\n')
    .filter((line) => line.includes(join('src', 'worker', 'main.ts')))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
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

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

describe('npm start, stopped and started again', () => {
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'localnet-start-'));
    port = await freePort();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its state owner-only, stops its workers with Ctrl-C, and finds everything again after a restart', async () => {
    const user = Ed25519KeyIdentity.generate();
    const state = join(dir, 'state');
    const first = await startNpmStart({ cwd: dir, port });
    let workers: number[] = [];
    let provider: Principal;
    let ids: Record<string, { local: string }>;
    try {
      for (const name of WITH_FAUCET) expect(first.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*installed`));
      ids = JSON.parse(await readFile(join(dir, '.dfx/local/canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      provider = Principal.fromText(/Demo provider (\S+), staked/.exec(first.output())![1]);

      // The web app, at the one URL npm start prints last, with the network's configuration beside it.
      expect(first.output()).toContain(`Web app: http://${ids.frontend.local}.localhost:${port}/`);
      expect(first.output()).toContain(`http://127.0.0.1:${port}/?canisterId=${ids.frontend.local}`);
      const app = (path: string) => fetchVia(port, `${ids.frontend.local}.localhost:${port}`, path);
      expect(await app('/')).toMatchObject({ status: 200, body: expect.stringContaining('<div id="app">') });
      expect(JSON.parse((await app('/env.json')).body)).toMatchObject({
        DFX_NETWORK: 'local',
        IC_HOST: `http://127.0.0.1:${port}`,
        CANISTER_ID_FAUCET: ids.faucet.local,
        CANISTER_ID_FRONTEND: ids.frontend.local,
      });

      // The OpenAI-compatible API at the base URL npm start prints, listing the demo market's models.
      expect(first.output()).toContain(`OpenAI-compatible API: http://${ids.api.local}.localhost:${port}/v1`);
      const models = await fetchVia(port, `${ids.api.local}.localhost:${port}`, '/v1/models');
      expect(JSON.parse(models.body)).toMatchObject({
        object: 'list',
        data: expect.arrayContaining([expect.objectContaining({ object: 'model' })]),
      });

      // The deployer's key is in the state folder, which only its owner may read, as is everything in it.
      expect(modes(state)).toEqual({ [state]: 0o700, ...allOwnerOnly(state) });
      expect(modes(state)[join(state, 'deployer.pem')]).toBe(0o600);
      expect(modes(state)[join(state, 'demo-provider.pem')]).toBe(0o600);

      // A state change through the HTTP interface, signed by a fresh key, to be found again after the restart.
      const signed = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true, identity: user });
      const registrar = Actor.createActor<IdentityService>(identityIdl, { agent: signed, canisterId: ids.identity.local });
      const profile = { name: 'rig', region: 'eu-west', contact: 'ops@rig.test' };
      expect('Ok' in (await registrar.register({ roles: [{ provider: null }], profile: [profile] }))).toBe(true);
      workers = workersOf(first.child);
      expect(workers).toHaveLength(2);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // Ctrl-C stopped the workers too.
    expect(await gone(workers)).toBe(true);

    // State written with wider modes (by an older version, or copied in) is narrowed on the next start.
    await chmod(state, 0o755);
    await chmod(join(state, 'network.json'), 0o644);
    await chmod(join(state, 'deployer.pem'), 0o644);
    const second = await startNpmStart({ cwd: dir, port });
    try {
      for (const name of WITH_FAUCET) expect(second.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*unchanged`));
      // The app was kept with the state and nothing of it changed, so nothing went up again.
      expect(second.output()).toMatch(/frontend: the web app's \d+ files are up to date/);
      const page = await fetchVia(port, `${ids.frontend.local}.localhost:${port}`, '/');
      expect(page.body).toContain('<div id="app">');
      expect(modes(state)).toEqual({ [state]: 0o700, ...allOwnerOnly(state) });
      // The account registered before the restart is still there: the canisters' memory was saved with the state.
      const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true });
      const identity = Actor.createActor<IdentityService>(identityIdl, { agent, canisterId: ids.identity.local });
      expect((await identity.get_account(user.getPrincipal()))[0]?.profile[0]?.name).toBe('rig');

      // The demo market is found, not made again: same provider, models, nodes and offers; the workers kept their keys.
      const text = second.output();
      expect(text).not.toMatch(/demo provider \S+: registered|staked \d|wrote .*gguf|claimed the|: offer \d+ for model|worker: claim code/);
      expect(text).toMatch(/key read from .*workers\/text_generation\.json/);
      expect(text).toContain(`Demo provider ${provider.toText()}, staked`);
      const registry = Actor.createActor<RegistryService>(registryIdl, { agent, canisterId: ids.model_registry.local });
      expect(ok(await registry.list({ offset: 0, limit: 10 })).total).toBe(2n);
      const marketplace = Actor.createActor<MarketplaceService>(marketplaceIdl, { agent, canisterId: ids.marketplace.local });
      expect(ok(await marketplace.list_offers({ provider: [provider], model: [] }, { offset: 0n, limit: 10 })).total).toBe(2n);
      expect((await identity.nodes_of(provider)).map((n) => Object.keys(n.status)[0])).toEqual(['claimed', 'claimed']);
      // The faucet was topped up again, and still answers over HTTP.
      const faucet = Actor.createActor<FaucetService>(faucetIdl, { agent, canisterId: ids.faucet.local });
      expect((await faucet.claim_status(Principal.anonymous())).available_now).toBe(false);
    } catch (error) {
      await second.stop();
      throw error;
    }
    // If npm start dies without a chance to stop them (SIGKILL), its workers stop on their own.
    workers = workersOf(second.child);
    expect(workers).toHaveLength(2);
    second.child.kill('SIGKILL');
    expect(await gone(workers)).toBe(true);
  }, 300_000);

  it('explains a port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(startNpmStart({ cwd: dir, port: taken, extra: ['--bare'] })).rejects.toThrow(
        /Cannot listen on 127\.0\.0\.1:\d+.*--port/,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
