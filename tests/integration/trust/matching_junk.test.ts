// Issue 13, items 11 (the marketplace's part) and 8 (offers per provider), on the real canisters: 200 cheap offers
// of uncertified providers neither count toward capacity nor in the walk a match makes, a match still finds the
// honest offer, a no-match explanation stays bounded, and a provider cannot create offers without end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_EXPLAINED } from '../../../canisters/marketplace/matching';
import { MAX_OFFERS_PER_PROVIDER } from '../../../canisters/marketplace/offers';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { deployEconomy, jobRequest, ok, onboardProvider, publishModel, type Economy } from '../economy/deploy';
import { randomUser } from '../localnet/probe';

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig' };
const JUNK_PROVIDERS = 4;
const JUNK_EACH = 50;

describe('junk offers cost a match nothing', () => {
  let network: LocalNetwork;
  let e: Economy;
  let model: bigint;
  const deployer = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    model = (await publishModel(e, randomUser(), 'junk-llama', 0)).id;
  });
  afterAll(() => network.stop());

  /** A registered provider, never certified (auto_certify is off), with one claimed node. */
  async function uncertified() {
    const provider = randomUser();
    e.identity.setPrincipal(provider);
    ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'junk', region: 'eu-west', contact: 'j@x.test' }] }));
    e.identity.setPrincipal(randomUser());
    const code = ok(await e.identity.register_node(HARDWARE)).code;
    e.identity.setPrincipal(provider);
    const node = ok(await e.identity.claim_node(code)).id;
    return { provider, node };
  }

  const junkTerms = (node: import('@dfinity/principal').Principal) => ({
    nodes: [node],
    models: [model],
    hardware: { gpu_model: 'RTX 4090', vram_gib: 24, compute_capability_x10: 89, cpu_cores: 16, ram_gib: 64 },
    region: 'eu-west',
    price: { unit: { per_request: null }, amount: 20_000n },
    reservation_price_per_slot_hour: 1n,
    capacity: 100,
    sla: { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 0 },
  });

  it('matches the honest offer past 200 cheaper junk offers, counts only its capacity, and explains within bounds', async () => {
    const honest = await onboardProvider(e, [model], { capacity: 3 });
    const instructionsOf = async <T>(call: () => Promise<T>): Promise<[T, bigint]> => {
      e.marketplace.setPrincipal(randomUser());
      const before = network.getCounters(e.ids.marketplace).instructions;
      const result = await call();
      return [result, BigInt(network.getCounters(e.ids.marketplace).instructions) - BigInt(before)];
    };
    const [clean, cleanInstructions] = await instructionsOf(() => e.marketplace.explain_match_update(jobRequest(model)));

    const junk = [];
    for (let p = 0; p < JUNK_PROVIDERS; p++) {
      const { provider, node } = await uncertified();
      e.marketplace.setPrincipal(provider);
      const offers = [];
      for (let i = 0; i < JUNK_EACH; i++) offers.push(ok(await e.marketplace.create_offer(junkTerms(node))).id);
      junk.push({ provider, node, offers });
    }

    const [matched, junkInstructions] = await instructionsOf(() => e.marketplace.explain_match_update(jobRequest(model)));
    expect(matched).toEqual(clean);
    if (!('Matched' in matched)) throw new Error('expected a match');
    expect(matched.Matched.chosen[0].offer).toBe(honest.offer.id);
    // Utilization, and so the price, follows the honest capacity alone.
    expect((await e.marketplace.model_rates(model)).capacity).toBe(3);
    console.log(`explain_match_update: ${cleanInstructions} instructions (first call, clean) vs ${junkInstructions} with 200 junk offers`);

    // Two replicas cannot be found: the explanation lists MAX_EXPLAINED offers and counts the rest.
    const none = await e.marketplace.quote(jobRequest(model, { redundancy: 2 }));
    if (!('Err' in none)) throw new Error('expected no match');
    const live = JUNK_PROVIDERS * JUNK_EACH + 1;
    expect(none.Err.offers).toHaveLength(MAX_EXPLAINED);
    expect(none.Err.more_offers).toBe(BigInt(live - MAX_EXPLAINED));
    expect(none.Err.eligible).toBe(1);
    expect(none.Err.offers[1].reasons).toContainEqual({ ProviderNotCertified: null });

    // A provider's offers are capped, retired ones included (they stay stored).
    const [first] = junk;
    e.marketplace.setPrincipal(first.provider);
    for (let i = JUNK_EACH; i < MAX_OFFERS_PER_PROVIDER; i++) ok(await e.marketplace.create_offer(junkTerms(first.node)));
    ok(await e.marketplace.retire_offer(first.offers[0]));
    expect(await e.marketplace.create_offer(junkTerms(first.node))).toEqual({ Err: { TooManyOffers: { max: MAX_OFFERS_PER_PROVIDER } } });
  });
});
