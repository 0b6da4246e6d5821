// The marketplace's real Wasm on the local network: offers with their owner checks, paging, matching and its
// explanation (compared with the pure `match` on the same offers), the admin-only standing and config, upgrades.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULTS as IDENTITY_DEFAULTS } from '../../../canisters/identity/settings';
import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import { matchable, providerKey } from '../../../canisters/marketplace/eligibility';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import type { ProviderStanding } from '../../../canisters/marketplace/match_types';
import { match } from '../../../canisters/marketplace/matching';
import type { OfferTerms } from '../../../canisters/marketplace/offer_types';
import { OfferBook } from '../../../canisters/marketplace/offers';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { job, memoryOffers, terms } from '../../unit/marketplace/fixtures';
import { randomUser, rejection } from '../localnet/probe';
import { MARKETPLACE_WASM, setupMarketplace } from './client';

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

// Staked at identity's default minimum, which a marketplace with no identity push yet applies.
const MIN_STAKE = IDENTITY_DEFAULTS.min_stake;
// Anonymous ingress never reaches a method: canister_inspect_message refuses it before induction.
const REFUSED_AT_INSPECT = { code: 4, errorCode: 'IC0406' };
const GOOD: ProviderStanding = { certified: true, stake: MIN_STAKE, reputation_bps: 8_000 };

describe('marketplace offers and matching', () => {
  let network: LocalNetwork;
  const deployer = randomUser();
  const [alice, bob, carol] = [randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  it('creates, updates, pauses, resumes and retires an offer, only for its owner', async () => {
    const { actor } = await setupMarketplace(network, deployer);
    expect(await actor.version()).toBe('marketplace 0.1.0');
    actor.setPrincipal(alice);
    const offer = ok(await actor.create_offer(terms()));
    expect(offer).toMatchObject({ id: 0n, provider: alice, load: 0, status: { active: null } });
    expect(offer.created_at).toBeGreaterThan(0n);
    expect(ok(await actor.get_offer(0n))).toEqual(offer);

    const updated = ok(await actor.update_offer(0n, terms({ capacity: 8, region: 'us-east' })));
    expect(updated.terms).toMatchObject({ capacity: 8, region: 'us-east' });
    expect(await actor.create_offer(terms({ capacity: 0 }))).toMatchObject({ Err: { InvalidInput: expect.any(String) } });

    actor.setPrincipal(bob);
    expect(await actor.pause_offer(0n)).toEqual({ Err: { Unauthorized: 'only the provider may change an offer' } });
    expect(await actor.update_offer(0n, terms())).toEqual({ Err: { Unauthorized: 'only the provider may change an offer' } });
    expect(await actor.retire_offer(7n)).toEqual({ Err: { NotFound: null } });

    actor.setPrincipal(Principal.anonymous());
    for (const attempt of [actor.create_offer(terms()), actor.pause_offer(0n), actor.retire_offer(0n), actor.update_offer(0n, terms())]) {
      const refused = await rejection(attempt);
      expect(refused).toMatchObject(REFUSED_AT_INSPECT);
    }

    actor.setPrincipal(alice);
    expect(ok(await actor.pause_offer(0n)).status).toEqual({ paused: null });
    expect(ok(await actor.resume_offer(0n)).status).toEqual({ active: null });
    expect(ok(await actor.retire_offer(0n)).status).toEqual({ retired: null });
    expect(await actor.resume_offer(0n)).toEqual({ Err: { Retired: null } });
    expect(ok(await actor.get_offer(0n)).terms.capacity).toBe(8);
    expect(await actor.get_offer(1n)).toEqual({ Err: { NotFound: null } });
  });

  it('lists offers in pages, by provider and by model', async () => {
    const { actor } = await setupMarketplace(network, deployer);
    for (let i = 0; i < 7; i++) {
      actor.setPrincipal(i % 2 === 0 ? alice : bob);
      ok(await actor.create_offer(terms({ models: [BigInt(1 + (i % 3))] })));
    }
    const all = { provider: [], model: [] } as { provider: []; model: [] };
    const first = ok(await actor.list_offers(all, { offset: 0n, limit: 3 }));
    expect(first.total).toBe(7n);
    expect(first.offers.map((o) => o.id)).toEqual([0n, 1n, 2n]);
    expect(ok(await actor.list_offers(all, { offset: 6n, limit: 3 })).offers.map((o) => o.id)).toEqual([6n]);
    expect(ok(await actor.list_offers(all, { offset: 9n, limit: 3 })).offers).toEqual([]);

    const byAlice = ok(await actor.list_offers({ provider: [alice], model: [] }, { offset: 1n, limit: 2 }));
    expect(byAlice.total).toBe(4n);
    expect(byAlice.offers.map((o) => o.id)).toEqual([2n, 4n]);

    actor.setPrincipal(alice);
    ok(await actor.retire_offer(0n));
    // A model's listing holds its live offers: offer 0 (model 1) is retired.
    const model1 = ok(await actor.list_offers({ provider: [], model: [1n] }, { offset: 0n, limit: 10 }));
    expect(model1.offers.map((o) => o.id)).toEqual([3n, 6n]);
    expect(ok(await actor.list_offers({ provider: [bob], model: [1n] }, { offset: 0n, limit: 10 })).offers.map((o) => o.id)).toEqual([3n]);
    expect(await actor.list_offers(all, { offset: 0n, limit: 101 })).toEqual({ Err: { InvalidInput: 'limit: at most 100' } });
  });

  it('lets only the admin set standings and the config, and reads them back', async () => {
    const { actor } = await setupMarketplace(network, deployer);
    expect((await actor.settings()).admin).toEqual(deployer);
    expect(await actor.get_config()).toEqual(DEFAULT_CONFIG);

    actor.setPrincipal(alice);
    expect(await actor.set_provider_standing(alice, GOOD)).toEqual({ Err: { Unauthorized: 'only the admin may do this' } });
    expect(await actor.set_config({ ...DEFAULT_CONFIG, spares: 0 })).toEqual({ Err: { Unauthorized: 'only the admin may do this' } });
    actor.setPrincipal(Principal.anonymous());
    expect(await rejection(actor.set_provider_standing(alice, GOOD))).toMatchObject(REFUSED_AT_INSPECT);
    expect(await rejection(actor.set_config(DEFAULT_CONFIG))).toMatchObject(REFUSED_AT_INSPECT);

    actor.setPrincipal(deployer);
    expect(await actor.set_provider_standing(alice, GOOD)).toEqual({ Ok: null });
    expect(await actor.provider_standing(alice)).toEqual([GOOD]);
    expect(await actor.provider_standing(bob)).toEqual([]);
    expect(await actor.set_provider_standing(alice, { ...GOOD, reputation_bps: 10_001 })).toEqual({
      Err: { InvalidInput: 'reputation_bps: at most 10000' },
    });
    expect(await actor.set_config({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, load: 0 } })).toEqual({
      Err: { InvalidInput: 'weights: must sum to 10000 bps' },
    });
    const config = { ...DEFAULT_CONFIG, spares: 1 };
    expect(await actor.set_config(config)).toEqual({ Ok: config });
    expect(await actor.get_config()).toEqual(config);
  });

  it('explains a match: chosen candidates with scores, or every exclusion; the same after an upgrade', async () => {
    const { actor, canisterId } = await setupMarketplace(network, deployer);
    // The same offers in a pure book, to check the canister answers exactly what the domain does.
    const providers = new Map([alice, bob, carol].map((p) => [providerKey(p), GOOD]));
    const context = { config: DEFAULT_CONFIG, minStake: MIN_STAKE, providers };
    const book = new OfferBook(memoryOffers(), (p) => matchable(providers.get(providerKey(p)), MIN_STAKE));
    const add = async (owner: Principal, t: OfferTerms) => {
      actor.setPrincipal(owner);
      ok(await actor.create_offer(t));
      book.create(owner, 1n, t);
    };
    await add(alice, terms({ price: { unit: { per_1k_tokens: null }, amount: 100n } }));
    await add(alice, terms({ price: { unit: { per_1k_tokens: null }, amount: 120n } }));
    await add(bob, terms({ price: { unit: { per_request: null }, amount: 150n }, region: 'us-east' }));
    await add(carol, terms({ hardware: { gpu_model: 'T4', vram_gib: 16, compute_capability_x10: 75, cpu_cores: 8, ram_gib: 32 } }));
    await add(carol, terms({ models: [2n] }));

    actor.setPrincipal(deployer);
    for (const p of [alice, bob, carol]) ok(await actor.set_provider_standing(p, GOOD));
    for (const p of [alice, bob, carol]) book.reindex(p);

    const request: JobRequest = job({
      redundancy: 2,
      region: ['eu-west'],
      hardware: { min_vram_gib: 20, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    });
    const matched = await actor.explain_match(request);
    expect(matched).toEqual(match(book, request, context));
    if (!('Matched' in matched)) throw new Error('expected a match');
    expect(matched.Matched.chosen.map((c) => [c.offer, c.provider])).toEqual([
      [0n, alice],
      [2n, bob],
    ]);
    expect(matched.Matched.chosen[0].quote).toBe(200n);
    expect(matched.Matched.chosen[0].score.total).toBeGreaterThan(matched.Matched.chosen[1].score.total);
    const quoted = await actor.quote(request);
    expect(quoted).toEqual({ Ok: { chosen: matched.Matched.chosen, total: 350n, multiplier_bps: 10_000 } });

    // Three replicas on three distinct providers: carol's only offer of the model is too small, so no match.
    const three: JobRequest = { ...request, redundancy: 3 };
    const none = await actor.explain_match(three);
    expect(none).toEqual(match(book, three, context));
    expect(none).toEqual({
      NoMatch: {
        needed: 3,
        eligible: 2,
        offers: [
          { offer: 0n, reasons: [] },
          { offer: 1n, reasons: [{ SameProvider: { chosen: 0n } }] },
          { offer: 2n, reasons: [] },
          { offer: 3n, reasons: [{ HardwareTooSmall: { field: { vram_gib: null }, required: 20, offered: 16 } }] },
        ],
        more_offers: 0n,
        other_model_offers: 1n,
      },
    });
    expect(await actor.quote(three)).toEqual({ Err: (none as { NoMatch: unknown }).NoMatch });

    // An unknown provider is neither certified nor staked.
    const stranger = randomUser();
    actor.setPrincipal(stranger);
    ok(await actor.create_offer(terms({ models: [9n] })));
    expect(await actor.explain_match(job({ model: 9n }))).toEqual({
      NoMatch: {
        needed: 1,
        eligible: 0,
        offers: [{ offer: 5n, reasons: [{ ProviderNotCertified: null }, { StakeBelowMinimum: { stake: 0n, minimum: MIN_STAKE } }] }],
        more_offers: 0n,
        other_model_offers: 5n,
      },
    });
    actor.setPrincipal(deployer);

    const stored = ok(await actor.list_offers({ provider: [], model: [] }, { offset: 0n, limit: 10 }));
    await network.upgradeCanister({ canisterId, wasm: MARKETPLACE_WASM, sender: deployer });
    expect(ok(await actor.list_offers({ provider: [], model: [] }, { offset: 0n, limit: 10 }))).toEqual(stored);
    expect(await actor.explain_match(request)).toEqual(matched);
    expect(await actor.explain_match(three)).toEqual({ NoMatch: { ...(none as { NoMatch: object }).NoMatch, other_model_offers: 2n } });
    expect(stored.total).toBe(6n);
    expect(await actor.provider_standing(alice)).toEqual([GOOD]);
    // The index after the upgrade still follows changes.
    actor.setPrincipal(alice);
    ok(await actor.pause_offer(0n));
    const afterPause = await actor.explain_match(request);
    if (!('Matched' in afterPause)) throw new Error('expected a match');
    expect(afterPause.Matched.chosen.map((c) => c.offer)).toEqual([1n, 2n]);
  });
});
