// A canister upgrade by proposal: the proposal names the Wasm's sha256, its proposer uploads the Wasm to governance in
// chunks, and after the timelock governance installs it on the target with upload_chunk and install_chunked_code,
// which refuse bytes that do not hash to the proposal's. The target keeps its state; a failed execution is recorded
// with its reason and may be retried.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Proposal } from '../../../canisters/governance/types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory as apiIdl, type ApiService } from '../../../src/sdk/api';
import { randomUser } from '../localnet/probe';
import { NAMES, WASM, errName, ok, onboardProvider, publishModel } from '../economy/suite';
import { TIMELOCK_MS, VOTING_MS, deployGoverned, elapse, propose, proposal, stateOf, vote, type Governed } from './fixture';

const CHUNK = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

/** The module with a custom section added: the same code under another hash, as a rebuilt release would have. */
function withCustomSection(wasm: Uint8Array, name: string, payload: string): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      const byte = n & 0x7f;
      n >>>= 7;
      out.push(n === 0 ? byte : byte | 0x80);
    } while (n !== 0);
    return out;
  };
  const body = [...leb(name.length), ...Buffer.from(name), ...Buffer.from(payload)];
  return new Uint8Array([...wasm, 0, ...leb(body.length), ...body]);
}

const chunksOf = (bytes: Uint8Array): Uint8Array[] =>
  Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, i) => bytes.slice(i * CHUNK, (i + 1) * CHUNK));

describe('a canister upgrade by proposal', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const proposer = randomUser();
  let release: Uint8Array;
  let model: bigint;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, [...NAMES, 'verification', 'api']);
    model = (await publishModel(e, randomUser(), 'kept-through-upgrade', 300)).id;
    release = withCustomSection(new Uint8Array(await readFile(WASM.model_registry)), 'governance-test', 'release 2');
  });
  afterAll(() => network?.stop());

  const moduleHash = (id = e.ids.model_registry) => Buffer.from(network.scheduler.canister(id)!.module!.hash).toString('hex');

  it('installs the uploaded Wasm after the timelock, keeping the state, and records failures with their reason', async () => {
    // The only voter: a provider's bonded stake.
    const { provider } = await onboardProvider(e, [model]);
    const before = moduleHash();
    const upgrade = (summary: string): Promise<Proposal> =>
      propose(e, proposer, {
        summary,
        action: { upgrade_canister: { canister: e.ids.model_registry, wasm_sha256: sha256(release), arg: new Uint8Array() } },
      });
    const good = await upgrade('Registry release 2');
    const tampered = await upgrade('Registry release 2 (uploaded wrong)');
    for (const p of [good, tampered]) await vote(e, provider, p.id, true);

    // Only the proposer uploads, in chunks of at most 1 MiB, before or after the vote.
    e.governance.setPrincipal(randomUser());
    expect(errName(await e.governance.upload_wasm_chunk(good.id, release.slice(0, 10)))).toBe('Unauthorized');
    e.governance.setPrincipal(proposer);
    expect(errName(await e.governance.upload_wasm_chunk(good.id, new Uint8Array(CHUNK + 1)))).toBe('InvalidInput');
    const original = new Uint8Array(await readFile(WASM.model_registry));
    for (const chunk of chunksOf(original)) ok(await e.governance.upload_wasm_chunk(tampered.id, chunk));

    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    // The timer executed both: one had no Wasm yet, the other's bytes do not hash to the proposal's sha256.
    const [missing, refused] = [await proposal(e, good.id), await proposal(e, tampered.id)];
    expect(stateOf(missing)).toBe('failed');
    expect('failed' in missing.state && missing.state.failed.reason).toMatch(/no Wasm was uploaded/);
    expect(stateOf(refused)).toBe('failed');
    expect('failed' in refused.state && refused.state.failed.reason).toMatch(/does not match wasm_module_hash/);
    expect(moduleHash()).toBe(before);

    // The proposer uploads the right Wasm now, and anyone may retry the execution.
    e.governance.setPrincipal(proposer);
    for (const chunk of chunksOf(release)) ok(await e.governance.upload_wasm_chunk(good.id, chunk));
    expect(await e.governance.wasm_upload(good.id)).toEqual({ chunks: Math.ceil(release.length / CHUNK), bytes: BigInt(release.length) });
    e.governance.setPrincipal(randomUser());
    const executed = ok(await e.governance.execute_proposal(good.id));
    expect(stateOf(executed)).toBe('executed');
    expect(moduleHash()).toBe(Buffer.from(sha256(release)).toString('hex'));

    // State survived: the model published before the upgrade, the admin, and the registry still works.
    const kept = ok(await e.registry.get(model));
    expect(kept.name).toBe('kept-through-upgrade');
    expect((await e.registry.settings()).admin.toText()).toBe(e.ids.governance.toText());
    expect((await publishModel(e, randomUser(), 'after-upgrade', 100)).id).toBe(model + 1n);
    // An executed upgrade is not run again.
    expect(errName(await e.governance.execute_proposal(good.id))).toBe('InvalidState');
  });

  it('upgrades the api canister as it does the others, governance staying its admin', async () => {
    const { provider } = await onboardProvider(e, [model]);
    const apiRelease = withCustomSection(new Uint8Array(await readFile(WASM.api)), 'governance-test', 'api release 2');
    const p = await propose(e, proposer, {
      summary: 'API release 2',
      action: { upgrade_canister: { canister: e.ids.api, wasm_sha256: sha256(apiRelease), arg: new Uint8Array() } },
    });
    await vote(e, provider, p.id, true);
    e.governance.setPrincipal(proposer);
    for (const chunk of chunksOf(apiRelease)) ok(await e.governance.upload_wasm_chunk(p.id, chunk));
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    expect(stateOf(await proposal(e, p.id))).toBe('executed');
    expect(moduleHash(e.ids.api)).toBe(Buffer.from(sha256(apiRelease)).toString('hex'));
    const api = network.createActor<ApiService>(apiIdl, e.ids.api);
    expect((await api.settings()).admin.toText()).toBe(e.ids.governance.toText());
    expect((await network.getControllers(e.ids.api)).map((c) => c.toText())).toEqual([e.ids.governance.toText()]);
  });
});
