// `npm start` as a user runs it: the nine canisters deployed and reachable from another process
// through the HTTP interface, ids written the dfx way, the deployer's key written for other tools to import, the
// state folder readable by its owner only, and state kept across a restart.
import { Actor, HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ed25519KeyIdentity } from '@dfinity/identity';

import { idlFactory as identityIdl, type IdentityService } from '../../../src/sdk/identity';

const user = Ed25519KeyIdentity.generate();
let ids: Record<string, { local: string }>;

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// tsx's loader by absolute URL, since the processes run from a temporary directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CANISTERS = ['ledger', 'identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'verification', 'governance', 'analytics'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the CLI and resolves once it says the network is running; rejects if it exits first. */
function start(cwd: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/localnet/cli.ts'), '--port', String(port), '--state', join(cwd, 'state')],
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

  it('deploys the nine canisters, serves them over HTTP, and finds them again after a restart', async () => {
    const first = await start(dir, port);
    try {
      for (const name of CANISTERS) expect(first.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*installed`));
      ids = JSON.parse(await readFile(join(dir, '.dfx/local/canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      expect(Object.keys(ids).sort()).toEqual([...CANISTERS].sort());
      const env = await readFile(join(dir, '.env'), 'utf8');
      expect(env).toContain('DFX_NETWORK=local');
      expect(env).toContain(`CANISTER_ID_LEDGER=${ids.ledger.local}`);

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

      // Identity was installed knowing its peers' ids.
      const identity = Actor.createActor<{ settings(): Promise<{ admin: Principal; ledger: [] | [Principal] }> }>(
        ({ IDL }) =>
          IDL.Service({
            settings: IDL.Func([], [IDL.Record({ admin: IDL.Principal, ledger: IDL.Opt(IDL.Principal) })], ['query']),
          }),
        { agent, canisterId: ids.identity.local },
      );
      const settings = await identity.settings();
      expect(settings.admin.toText()).toBe(deployer);
      expect(settings.ledger[0]?.toText()).toBe(ids.ledger.local);
      expect((await call(dir, port, ids.governance.local, 'version')).stdout.trim()).toBe('governance 0.1.0');

      // The deployer's key is in the state folder, which only its owner may read, as is everything in it.
      const pem = join(dir, 'state', 'deployer.pem');
      expect(modes(join(dir, 'state'))).toEqual({ [join(dir, 'state')]: 0o700, ...allOwnerOnly(join(dir, 'state')) });
      expect(modes(join(dir, 'state'))[pem]).toBe(0o600);
      expect(first.output()).toContain(`icp identity import deployer --from-pem ${pem} --storage plaintext`);
      expect(first.output()).toContain(`dfx identity import deployer ${pem} --storage-mode plaintext`);
      // The project's command line imports it as the deployer npm start printed.
      const imported = await promisify(execFile)(
        process.execPath,
        ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'identity', 'import', 'deployer', pem],
        { cwd: dir, env: { ...process.env, ICP_MARKET_HOME: join(dir, 'home') } },
      );
      expect(imported.stdout.trim()).toBe(`imported deployer: ${deployer}`);

      // A state change through the HTTP interface, signed by a fresh key, to be found again after the restart.
      const signed = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true, identity: user });
      const registry = Actor.createActor<IdentityService>(identityIdl, { agent: signed, canisterId: ids.identity.local });
      const profile = { name: 'rig', region: 'eu-west', contact: 'ops@rig.test' };
      expect('Ok' in (await registry.register({ roles: [{ provider: null }], profile: [profile] }))).toBe(true);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    // State written with wider modes (by an older version, or copied in) is narrowed on the next start.
    await chmod(join(dir, 'state'), 0o755);
    await chmod(join(dir, 'state', 'network.json'), 0o644);
    await chmod(join(dir, 'state', 'deployer.pem'), 0o644);
    const second = await start(dir, port);
    try {
      for (const name of CANISTERS) expect(second.output()).toMatch(new RegExp(`${name}\\s+\\S+-cai\\s+.*unchanged`));
      expect(modes(join(dir, 'state'))).toEqual({ [join(dir, 'state')]: 0o700, ...allOwnerOnly(join(dir, 'state')) });
      // The account registered before the restart is still there: the canisters' memory was saved with the state.
      const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true });
      const identity = Actor.createActor<IdentityService>(identityIdl, { agent, canisterId: ids.identity.local });
      expect((await identity.get_account(user.getPrincipal()))[0]?.profile[0]?.name).toBe('rig');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });

  it('explains a port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(start(dir, taken)).rejects.toThrow(/Cannot listen on 127\.0\.0\.1:\d+.*--port/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
