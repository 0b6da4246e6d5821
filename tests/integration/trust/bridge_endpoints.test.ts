// Bounded input at the bridge (issue 13, items 7 and 8): the worker at a URL must answer GET /node with the node
// that registers it, so a provider cannot list a rival's worker as its own, and one node per URL, so not one
// machine twice; at most 32 endpoints per provider, the slot of a node it retired in identity freed; and a job
// whose input is over the bridge's cap is refused before anything is stored or posted, and one asking for more tokens
// than the bridge takes is refused at submit, before the consumer pays.
import { createHash } from 'node:crypto';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_ENDPOINTS_PER_PROVIDER } from '../../../canisters/bridge/endpoints';
import { MAX_INPUT_BYTES, MAX_TOKENS } from '../../../canisters/shared/job_limits';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import { randomUser } from '../localnet/probe';
import { FEE, WASM, approve, balance, errName, jobRequest, mint, ok, onboardProvider } from '../economy/suite';
import { deployTrust, honest, nodeAnswers, serveNode, startNode, type Trust, type Worker } from './bridge_fixture';

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig' };

describe('endpoints and input at the bridge', () => {
  let t: Trust;
  let worker: Worker;

  beforeAll(async () => {
    t = await deployTrust();
    worker = await serveNode(t, honest(t));
  });
  afterAll(() => t?.close());

  /** The bridge as `node`. */
  const as = (node: Principal) => {
    const bridge = t.network.createActor<BridgeService>(bridgeIdl, t.e.ids.bridge);
    bridge.setPrincipal(node);
    return bridge;
  };

  /** A new node registered in identity and claimed by `provider`. */
  async function claimNode(provider: Principal): Promise<Principal> {
    t.e.identity.setPrincipal(randomUser());
    const { code } = ok(await t.e.identity.register_node(HARDWARE));
    t.e.identity.setPrincipal(provider);
    return ok(await t.e.identity.claim_node(code)).id;
  }

  it('refuses a second node at a URL another node holds, even spelled differently; the holder may register again', async () => {
    const { node: rival } = await onboardProvider(t.e, [t.model]);
    for (const url of [worker.url, `${worker.url}/`, worker.url.replace('http://', 'HTTP://')])
      expect(await as(rival).register_endpoint(url)).toEqual({ Err: { InvalidInput: `url: another node is registered at ${worker.url}` } });
    expect(await as(rival).endpoint_of(rival)).toEqual([]);
    expect(ok(await worker.bridge.register_endpoint(`${worker.url}/`)).url).toBe(worker.url);
  });

  it("refuses a node at a rival's worker URL, which the rival then registers as its own", async () => {
    const squatter = await startNode(t, honest(t));
    const rival = await startNode(t, honest(t));
    expect(await squatter.bridge.register_endpoint(rival.url)).toEqual({
      Err: {
        InvalidInput: `url: the worker at ${rival.url} runs as node ${rival.node.toText()}, not as the caller ${squatter.node.toText()}`,
      },
    });
    expect(await as(squatter.node).endpoint_of(squatter.node)).toEqual([]);
    expect(ok(await rival.bridge.register_endpoint(rival.url)).node.toText()).toBe(rival.node.toText());
    // A URL where no worker answers proves nothing either.
    expect(errName(await squatter.bridge.register_endpoint('http://127.0.0.1:9'))).toBe('InvalidInput');
  });

  it('still refuses a second node at a held URL after an upgrade', async () => {
    await t.network.upgradeCanister({ canisterId: t.e.ids.bridge, wasm: WASM.bridge, sender: t.e.deployer });
    const { node: rival } = await onboardProvider(t.e, [t.model]);
    expect(errName(await as(rival).register_endpoint(worker.url))).toBe('InvalidInput');
    ok(await worker.bridge.register_endpoint(worker.url));
  });

  it(`keeps a provider to ${MAX_ENDPOINTS_PER_PROVIDER} endpoints: a node it retired gives up its slot`, async () => {
    const { provider, node: first } = await onboardProvider(t.e, [t.model]);
    const workers = await nodeAnswers(t);
    const nodes = [first];
    while (nodes.length < MAX_ENDPOINTS_PER_PROVIDER) nodes.push(await claimNode(provider));
    for (const [i, node] of nodes.entries()) ok(await as(node).register_endpoint(workers.at(`cap-${i}`, node)));

    // Identity holds it to 32 nodes too: one retired, a new one claimed, whose endpoint takes the retired one's slot.
    t.e.identity.setPrincipal(provider);
    ok(await t.e.identity.retire_node(first));
    const next = await claimNode(provider);
    ok(await as(next).register_endpoint(workers.at('cap-next', next)));
    expect(await as(first).endpoint_of(first)).toEqual([]);
    // The retired node's URL is free again, for the node whose worker now answers there.
    ok(await as(next).register_endpoint(workers.at('cap-0', next)));
  });

  it('refuses a job whose input is over the cap at submit: nothing is stored, charged or posted', async () => {
    const input = 'é'.repeat(MAX_INPUT_BYTES / 2 + 1);
    const bytes = Buffer.from(input, 'utf8');
    const request = jobRequest(t.model, {
      input: [input],
      input_hash: createHash('sha256').update(bytes).digest(),
      input_bytes: BigInt(bytes.length),
      max_tokens: 32,
    });
    const consumer = randomUser();
    await mint(t.e, consumer, 50_000_000n);
    await approve(t.e, consumer, t.e.ids.payment, 10_000_000n);
    const before = await balance(t.e, consumer);
    const posted = worker.posts.length;
    t.e.marketplace.setPrincipal(consumer);
    expect(await t.e.marketplace.submit_job(request)).toEqual({ Err: { InvalidInput: `input_bytes: at most ${MAX_INPUT_BYTES}` } });
    await t.network.tick(3);
    expect(await balance(t.e, consumer)).toBe(before);
    expect(ok(await t.e.marketplace.list_jobs({ offset: 0n, limit: 10 })).jobs).toEqual([]);
    expect(worker.posts.length).toBe(posted);
  });

  it(`refuses a job asking for more than ${MAX_TOKENS} tokens at submit, so the consumer pays nothing`, async () => {
    const consumer = randomUser();
    await mint(t.e, consumer, 50_000_000n);
    await approve(t.e, consumer, t.e.ids.payment, 10_000_000n);
    const before = await balance(t.e, consumer);
    t.e.marketplace.setPrincipal(consumer);
    expect(await t.e.marketplace.submit_job(jobRequest(t.model, { max_tokens: MAX_TOKENS + 1 }))).toEqual({
      Err: { InvalidInput: `max_tokens: at most ${MAX_TOKENS}` },
    });
    expect(await balance(t.e, consumer)).toBe(before);
  });
});
