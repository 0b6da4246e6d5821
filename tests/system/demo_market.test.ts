// `npm start` as a new user finds it, from other processes (the shared started system, setup.ts): the nine
// canisters and the faucet reachable through the HTTP interface, ids written the dfx way, the deployer's key written
// for other tools to import, and the demo market: two models offered by a certified, staked demo provider with a
// worker each, where a fresh consumer claims from the faucet and runs a text job and an embedding job to settlement.
// What needs npm start's own process (restarts, Ctrl-C, SIGKILL, file modes across a restart, a taken port) is in
// tests/integration/start/npm_start.test.ts.
import { Actor, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jobRequest } from '../../src/cli/commands';
import { idlFactory as bridgeIdl, type BridgeService } from '../../src/sdk/bridge';
import { idlFactory as faucetIdl, type FaucetService } from '../../src/sdk/faucet';
import { idlFactory as identityIdl, type IdentityService } from '../../src/sdk/identity';
import { account, approveArgs, idlFactory as ledgerIdl, type LedgerService } from '../../src/sdk/ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../src/sdk/marketplace';
import { idlFactory as registryIdl, type RegistryService } from '../../src/sdk/model_registry';
import { ROOT, TSX } from '../support/npm_start';
import { startedSystem } from './system';

const CANISTERS = ['ledger', 'identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'verification', 'governance', 'analytics'];

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

const run = promisify(execFile);

describe("npm start's network and demo market, from other processes", () => {
  const system = startedSystem();
  let output: string;
  let agent: HttpAgent;
  const actor = <T>(idl: Parameters<typeof Actor.createActor>[0], name: string, as = agent) =>
    Actor.createActor<T>(idl, { agent: as, canisterId: system.ids[name] });

  beforeAll(async () => {
    output = await readFile(system.log, 'utf8');
    agent = await HttpAgent.create({ host: system.url, shouldFetchRootKey: true });
  });

  it('writes the ids the dfx way: canister_ids.json and .env for the nine canisters and the faucet', async () => {
    for (const name of [...CANISTERS, 'faucet']) expect(system.ids[name]).toMatch(/-cai$/);
    const env = await readFile(join(system.dir, '.env'), 'utf8');
    expect(env).toContain('DFX_NETWORK=local');
    expect(env).toContain(`IC_HOST=${system.url}`);
    expect(env).toContain(`CANISTER_ID_LEDGER=${system.ids.ledger}`);
    expect(env).toContain(`CANISTER_ID_FAUCET=${system.ids.faucet}`);
  });

  it('deploys as the deployer, with the local token, and tells each canister its peers', async () => {
    // The canisters belong to the deployer identity, not to the anonymous principal anyone can use.
    expect(system.deployer).toMatch(/-/);
    const page = await (await fetch(`${system.url}/_/canister?canisterId=${system.ids.ledger}`)).text();
    expect(page).toContain(system.deployer);
    expect(page).not.toContain('2vxsx-fae');

    // npm run call, another process, through the HTTP interface with the stock agent; by name and by id.
    const call = (...args: string[]) =>
      run(process.execPath, ['--import', TSX, join(ROOT, 'scripts/call.ts'), ...args, '--host', system.url], { cwd: system.dir });
    expect((await call('analytics', 'version')).stdout.trim()).toBe('analytics 0.1.0');
    expect((await call(system.ids.governance, 'version')).stdout.trim()).toBe('governance 0.1.0');

    // The ledger is deployed with the local token, minted by the deployer.
    const ledger = actor<LedgerService>(ledgerIdl, 'ledger');
    expect(await ledger.icrc1_symbol()).toBe('LIT');
    expect((await ledger.icrc1_minting_account())[0]?.owner.toText()).toBe(system.deployer);

    // Identity was installed knowing its peers' ids, and certifies providers as they register on this network.
    const settings = await actor<IdentityService>(identityIdl, 'identity').settings();
    expect(settings.admin.toText()).toBe(system.deployer);
    expect(settings.ledger[0]?.toText()).toBe(system.ids.ledger);
    expect(settings.auto_certify).toBe(true);
  });

  it("prints how to import the deployer's key, which the project's command line imports as the deployer", async () => {
    expect(system.deployerPem).toBe(join(system.stateDir, 'deployer.pem'));
    expect(output).toContain(`icp identity import deployer --from-pem ${system.deployerPem} --storage plaintext`);
    expect(output).toContain(`dfx identity import deployer ${system.deployerPem} --storage-mode plaintext`);
    const home = await mkdtemp(join(tmpdir(), 'market-home-'));
    try {
      const imported = await run(
        process.execPath,
        ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'identity', 'import', 'deployer', system.deployerPem],
        { cwd: system.dir, env: { ...process.env, ICP_MARKET_HOME: home } },
      );
      expect(imported.stdout.trim()).toBe(`imported deployer: ${system.deployer}`);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('sets up the demo market: both models, a certified and staked provider, an offer each, workers that say they are ready', async () => {
    const provider = Principal.fromText(system.demo.provider);
    const published = ok(await actor<RegistryService>(registryIdl, 'model_registry').list({ offset: 0, limit: 10 })).items;
    expect(published.slice(0, 2).map((m) => [`${m.id}`, m.name, Object.keys(m.task)[0], m.creator.toText()])).toEqual([
      [system.demo.textModel, 'tiny-llama-synthetic', 'text_generation', system.demo.provider],
      [system.demo.embeddingModel, 'universal-sentence-encoder-lite', 'embedding', system.demo.provider],
    ]);
    expect(await actor<IdentityService>(identityIdl, 'identity').standing(provider)).toMatchObject({ certified: true, matchable: true });
    const offers = ok(
      await actor<MarketplaceService>(marketplaceIdl, 'marketplace').list_offers(
        { provider: [provider], model: [] },
        { offset: 0n, limit: 10 },
      ),
    );
    expect(offers.offers.map((o) => [`${o.id}`, Array.from(o.terms.models).map(String)])).toEqual([
      [system.demo.textOffer, [system.demo.textModel]],
      [system.demo.embeddingOffer, [system.demo.embeddingModel]],
    ]);
    expect(output).toMatch(/claimed the text_generation worker's node/);
    expect(output).toMatch(/claimed the embedding worker's node/);
    // Worker output comes through, prefixed; the synthetic model and the way to a real one are explained.
    expect(output).toMatch(/^\[text worker\] worker: ready$/m);
    expect(output).toMatch(/^\[embedding worker\] worker: ready$/m);
    expect(output).toContain('meaningless text');
    expect(output).toContain('npm run worker -- --model <file.gguf> --model-id <id>');
    expect(output).toContain('Faucet: `npm run cli -- ledger faucet` sends 10 LIT');
    expect(output).toContain(`Dev Internet Identity: ${system.url}/internet-identity`);
  });

  it('gives a new user faucet tokens, once a day, then runs their text job and embedding job to settlement', async () => {
    // Over HTTP with a fresh key, as from a browser or the command line.
    const me = Ed25519KeyIdentity.generate();
    const signed = await HttpAgent.create({ host: system.url, shouldFetchRootKey: true, identity: me });
    const faucet = actor<FaucetService>(faucetIdl, 'faucet', signed);
    const ledger = actor<LedgerService>(ledgerIdl, 'ledger', signed);
    const marketplace = actor<MarketplaceService>(marketplaceIdl, 'marketplace', signed);
    const bridge = actor<BridgeService>(bridgeIdl, 'bridge', signed);

    const claimed = ok(await faucet.claim());
    expect(await ledger.icrc1_balance_of(account(me.getPrincipal()))).toBe(claimed.amount);
    // Once a day: the second claim says when the next one is possible.
    expect(await faucet.claim()).toMatchObject({ Err: { PrincipalLimitReached: { next_claim_at: claimed.next_claim_at } } });

    const job = async (model: string, prompt: string) => {
      const request = jobRequest(model, prompt, { maxTokens: 16, redundancy: 1, priority: false, maxPrice: 100_000_000n });
      const quote = ok(await marketplace.quote(request));
      ok(await ledger.icrc2_approve(approveArgs(account(Principal.fromText(system.ids.payment)), quote.total + 10_000n)));
      const submitted = ok(await marketplace.submit_job(request));
      let state = Object.keys(submitted.state)[0];
      for (const started = Date.now(); !['settled', 'refunded', 'rejected'].includes(state) && Date.now() - started < 60_000;) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        state = Object.keys(ok(await marketplace.get_job(submitted.id)).state)[0];
      }
      expect(state).toBe('settled');
      return ok(await bridge.get_output(submitted.id));
    };
    const text = await job(system.demo.textModel, 'Why is the sky blue?');
    expect(text.tokens.length).toBeGreaterThan(0);
    expect(text.text[0]).toEqual(expect.any(String));
    expect(text.runtime).toMatch(/node-llama-cpp/);
    const embedding = await job(system.demo.embeddingModel, 'Why is the sky blue?');
    expect(embedding.vector).toHaveLength(512);
    expect(embedding.runtime).toMatch(/universal-sentence-encoder-lite/);
  });
});
