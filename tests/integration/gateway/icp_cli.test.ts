// icp-cli 1.5 (the Rust ic-agent behind DFINITY's `icp` command) against the gateway, run as a child process
// through tests/support/icp_cli.ts: an identity imported from a PEM signs queries (/api/v3/.../query, with the
// node signature checked against keys from /api/v3/.../read_state) and updates (/api/v4/.../call), and the
// canisters see that identity's principal as the caller: the probe's whoami, a ledger transfer debited from its
// account; and its rejects come back as icp's errors. `icp canister status` decodes the management canister's
// canister_status reply (every field of the spec's ic.did, plus the two canister-logging fields icp-cli's types
// require) and `icp canister settings update` sets the newer settings, which the status then shows.
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ed25519Pem, IcpCli } from '../../support/icp_cli.js';
import { account, FEE, setupLedger } from '../ledger/client.js';
import { type Probe, PROBE_WASM, setupProbe } from '../localnet/probe.js';
import { type Served, serve } from './fixture.js';

const PROBE_DID = fileURLToPath(new URL('../../fixtures/probe/probe.did', import.meta.url));
const LEDGER_DID = fileURLToPath(new URL('../../../candid/ledger.did', import.meta.url));
const START = 1_000_000_000n;

/** A pass-through proxy in front of the gateway that records `METHOD /api/vN/kind/<id>/endpoint -> status`. */
async function recordingProxy(target: string, traffic: string[]): Promise<{ url: string; server: Server }> {
  const { hostname, port } = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const forward = request({ hostname, port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      traffic.push(`${incoming.method} ${incoming.url?.replace(/\/(canister|subnet)\/[^/]+\//, '/$1/<id>/')} -> ${answer.statusCode}`);
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The nat in a reply such as `(999_990_000 : nat)`. */
function nat(reply: string): bigint {
  const match = /\(([\d_]+) : nat\)/.exec(reply);
  if (!match) throw new Error(`not a nat reply: ${reply}`);
  return BigInt(match[1].replaceAll('_', ''));
}

describe('icp-cli against the gateway, signing with an imported PEM identity', () => {
  let served: Served;
  let proxy: { url: string; server: Server };
  const traffic: string[] = [];
  let icp: IcpCli;
  let probe: Probe;
  let ledger: Principal;
  const alice = ed25519Pem();
  const bob = Principal.selfAuthenticating(new Uint8Array(44).fill(7));
  const carol = ed25519Pem();

  beforeAll(async () => {
    served = await serve();
    const owner = alice.identity.getPrincipal();
    probe = await setupProbe(served.network, { sender: owner, controllers: [owner] });
    ({ canisterId: ledger } = await setupLedger(served.network, Principal.fromText('aaaaa-aa'), [[account(owner), START]]));
    proxy = await recordingProxy(served.url, traffic);
    icp = await IcpCli.create();
  });
  afterAll(async () => {
    if (proxy) {
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
    await icp?.dispose();
    await served?.close();
  });

  it('imports the PEM as the same principal the key gives', async () => {
    const { principal } = await icp.importPem('alice', alice.pem);
    expect(principal).toBe(alice.identity.getPrincipal().toText());
  });

  it('makes a signed query that the canister answers for that principal (v3 query, node keys from v3 read_state)', async () => {
    traffic.length = 0;
    const reply = await icp.call({
      network: proxy.url,
      canister: probe.canisterId.toText(),
      method: 'whoami',
      candid: PROBE_DID,
      identity: 'alice',
      query: true,
    });
    expect(reply).toBe(`(principal "${alice.identity.getPrincipal().toText()}")`);
    expect(traffic).toEqual(
      expect.arrayContaining([
        'GET /api/v2/status -> 200',
        'POST /api/v3/canister/<id>/query -> 200',
        'POST /api/v3/canister/<id>/read_state -> 200',
      ]),
    );
  });

  it('makes signed updates (v4 call): the probe counts, and the ledger debits the caller’s own account', async () => {
    const before = await probe.actor.get();
    traffic.length = 0;
    const counted = await icp.call({
      network: proxy.url,
      canister: probe.canisterId.toText(),
      method: 'increment',
      candid: PROBE_DID,
      identity: 'alice',
    });
    expect(nat(counted)).toBe(before + 1n);
    expect(await probe.actor.get()).toBe(before + 1n);
    expect(traffic).toContain('POST /api/v4/canister/<id>/call -> 200');

    const transfer = await icp.call({
      network: served.url,
      canister: ledger.toText(),
      method: 'icrc1_transfer',
      args: `(record { to = record { owner = principal "${bob.toText()}" }; amount = 250_000 : nat })`,
      candid: LEDGER_DID,
      identity: 'alice',
    });
    expect(transfer).toMatch(/Ok = \d+ : nat/);
    const balanceOf = (owner: Principal) =>
      icp.call({
        network: served.url,
        canister: ledger.toText(),
        method: 'icrc1_balance_of',
        args: `(record { owner = principal "${owner.toText()}" })`,
        candid: LEDGER_DID,
        query: true,
      });
    expect(nat(await balanceOf(alice.identity.getPrincipal()))).toBe(START - 250_000n - FEE);
    expect(nat(await balanceOf(bob))).toBe(250_000n);
  });

  it('reports a canister’s reject: a trap (certified in the v4 answer) and an inspect_message refusal (uncertified)', async () => {
    const call = (method: string, args: string) =>
      icp.run(
        [
          'canister',
          'call',
          probe.canisterId.toText(),
          method,
          args,
          '-n',
          served.url,
          '-k',
          'fetch',
          '--candid',
          PROBE_DID,
          '--identity',
          'alice',
        ],
        {
          allowFailure: true,
        },
      );
    const trapped = await call('trap_with', '("out of patience")');
    expect(trapped.code).not.toBe(0);
    expect(trapped.stderr).toContain('out of patience');
    const refused = await call('guarded', '("guess")');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/rejected the message/);
    expect(await call('guarded', '("let me in")')).toMatchObject({ code: 0, stdout: '("passed: let me in")\n' });
  });
  describe('icp canister status and icp canister settings update', () => {
    const network = () => ['-n', served.url, '-k', 'fetch'];
    const status = (identity: string, ...flags: string[]) =>
      icp.run(['canister', 'status', probe.canisterId.toText(), ...network(), '--identity', identity, ...flags]);
    let moduleHash: string;

    beforeAll(async () => {
      moduleHash = `0x${Buffer.from(sha256(await readFile(PROBE_WASM))).toString('hex')}`;
      await icp.importPem('carol', carol.pem);
    });

    it('shows the controller the status: module hash, controllers and the rest of the report', async () => {
      const { stdout } = await status('alice');
      expect(stdout).toContain('Status: Running');
      expect(stdout).toContain(`Controllers:\n    controller: ${alice.identity.getPrincipal().toText()}\n`);
      expect(stdout).toContain(`Module hash: ${moduleHash}`);
      expect(stdout).toContain('Freezing threshold: 2_592_000');
      expect(stdout).toMatch(/Memory size: [1-9][\d_]*\n/);

      const json = JSON.parse((await status('alice', '--json')).stdout);
      expect(json).toMatchObject({
        id: probe.canisterId.toText(),
        status: 'Running',
        module_hash: moduleHash,
        settings: { controllers: [alice.identity.getPrincipal().toText()], log_visibility: { type: 'Controllers' } },
      });
    });

    it('falls back on the certified state tree for someone else, who may not read the status', async () => {
      const { stdout } = await status('carol');
      expect(stdout).toContain(`Module hash: ${moduleHash}`);
      expect(stdout).toContain(`controller: ${alice.identity.getPrincipal().toText()}`);
      expect(stdout).not.toContain('Status: Running');
    });

    it('sets newer settings (update_settings with every field icp-cli sends), and the status shows them', async () => {
      const viewer = carol.identity.getPrincipal().toText();
      await icp.run([
        'canister',
        'settings',
        'update',
        probe.canisterId.toText(),
        '--freezing-threshold',
        '7d',
        '--log-memory-limit',
        '8kib',
        '--set-status-viewer',
        viewer,
        '--add-environment-variable',
        'MODE=test',
        '-f',
        ...network(),
        '--identity',
        'alice',
      ]);
      const json = JSON.parse((await status('alice', '--json')).stdout);
      expect(json.settings).toMatchObject({
        freezing_threshold: '604_800',
        log_memory_limit: '8_192',
        status_visibility: { type: 'AllowedViewers', value: [viewer] },
        environment_variables: [{ name: 'MODE', value: 'test' }],
      });
      // The status viewer now gets the whole report from canister_status, not the state tree's part of it.
      expect((await status('carol')).stdout).toContain('Status: Running');
    });
  });
});
