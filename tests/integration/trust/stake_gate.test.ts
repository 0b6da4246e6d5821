// Issue 13, items 1 and 2, on the real canisters: a certified provider below identity's minimum stake gets no job
// however cheap its offer, and matching follows identity's min_stake (the one parameter governance sets) with no
// refresh_standing call; a slash reaches stake unbonded right after a match, and a slash that finds the provider
// busy in a ledger call is kept and applied when the call ends.
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NO_CHANGES } from '../../../canisters/identity/settings';
import type { Job } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import {
  FEE,
  STAKE,
  account,
  approve,
  balance,
  deployEconomy,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  type Economy,
} from '../economy/deploy';
import { idlFactory as identityIdl, type IdentityService } from '../identity/client';
import { randomUser } from '../localnet/probe';

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig' };
const OFFER = {
  hardware: { gpu_model: 'RTX 4090', vram_gib: 24, compute_capability_x10: 89, cpu_cores: 16, ram_gib: 64 },
  region: 'eu-west',
  reservation_price_per_slot_hour: 3_000_000n,
  capacity: 10,
  sla: { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 0 },
};

describe('stake gates matching, and slashes reach the stake a provider matched with', () => {
  let network: LocalNetwork;
  let e: Economy;
  let model: bigint;
  const deployer = randomUser();
  const verifier = randomUser();
  // Not the deployer: it is the local token's minting account, where a transfer is a burn.
  const treasury = account(randomUser());

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    model = (await publishModel(e, randomUser(), 'gated-llama', 0)).id;
    // The verification canister's role, played by a test principal so the test decides when to slash.
    e.identity.setPrincipal(deployer);
    ok(await e.identity.update_settings({ ...NO_CHANGES, verification: [verifier], treasury: [treasury] }));
  });
  afterAll(() => network.stop());

  /** A provider registered, certified, with a claimed node and an offer at `price` per request, but no stake. */
  async function certifiedUnstaked(price: bigint) {
    const provider = randomUser();
    e.identity.setPrincipal(provider);
    ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'cheap', region: 'eu-west', contact: 'c@x.test' }] }));
    e.identity.setPrincipal(deployer);
    ok(await e.identity.set_certification(provider, { certified: null }, 'passed the checks'));
    e.identity.setPrincipal(randomUser());
    const code = ok(await e.identity.register_node(HARDWARE)).code;
    e.identity.setPrincipal(provider);
    const node = ok(await e.identity.claim_node(code)).id;
    e.marketplace.setPrincipal(provider);
    const offer = ok(
      await e.marketplace.create_offer({ ...OFFER, nodes: [node], models: [model], price: { unit: { per_request: null }, amount: price } }),
    );
    return { provider, offer };
  }

  async function stake(provider: Principal, amount: bigint): Promise<void> {
    await mint(e, provider, amount + 2n * FEE);
    await approve(e, provider, e.ids.identity, amount + FEE);
    e.identity.setPrincipal(provider);
    ok(await e.identity.stake(amount));
  }

  async function submit(): Promise<Job> {
    const consumer = randomUser();
    await mint(e, consumer, 20_000_000n);
    const request = jobRequest(model);
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    return ok(await e.marketplace.submit_job(request));
  }

  it('gives no job to a certified provider below the minimum stake, however cheap; once staked it gets one', async () => {
    const honest = await onboardProvider(e, [model], { ...OFFER, price: { unit: { per_request: null }, amount: 1_000_000n } });
    const cheap = await certifiedUnstaked(100_000n);
    // One minimum, identity's: the marketplace's configuration holds none.
    expect(Object.keys(await e.marketplace.get_config())).not.toContain('min_stake');
    expect((await e.identity.settings()).min_stake).toBe(STAKE);

    const unstaked = await submit();
    expect(unstaked.offers[0]).toBe(honest.offer.id);
    expect(unstaked.offers).not.toContain(cheap.offer.id);

    // Half the minimum: identity pushes the standing, nobody calls refresh_standing, and it is still not enough.
    await stake(cheap.provider, STAKE / 2n);
    expect(await e.marketplace.provider_standing(cheap.provider)).toEqual([{ certified: true, stake: STAKE / 2n, reputation_bps: 5_000 }]);
    const underStaked = await submit();
    expect(underStaked.offers).not.toContain(cheap.offer.id);

    await stake(cheap.provider, STAKE / 2n);
    const staked = await submit();
    expect(staked.offers[0]).toBe(cheap.offer.id);
  });

  it('follows min_stake as governance sets it in identity, with no refresh', async () => {
    e.identity.setPrincipal(deployer);
    ok(await e.identity.update_settings({ ...NO_CHANGES, min_stake: [2n * STAKE] }));
    e.marketplace.setPrincipal(randomUser());
    const refused = await e.marketplace.quote(jobRequest(model));
    if (!('Err' in refused)) throw new Error('expected no match above everyone’s stake');
    expect(refused.Err.eligible).toBe(0);
    expect(refused.Err.offers[0].reasons).toContainEqual({ StakeBelowMinimum: { stake: STAKE, minimum: 2n * STAKE } });

    e.identity.setPrincipal(deployer);
    ok(await e.identity.update_settings({ ...NO_CHANGES, min_stake: [STAKE] }));
    e.marketplace.setPrincipal(randomUser());
    expect('Ok' in (await e.marketplace.quote(jobRequest(model)))).toBe(true);
  });

  it('slashes stake unbonded right after a match', async () => {
    // The cheapest offer yet (payment escrows at least 10,001), so this job is its.
    const { provider, offer } = await onboardProvider(e, [model], { ...OFFER, price: { unit: { per_request: null }, amount: 20_000n } });
    const job = await submit();
    expect(job.offers[0]).toBe(offer.id);
    e.identity.setPrincipal(provider);
    ok(await e.identity.unbond(STAKE));

    const before = await balance(e, treasury);
    e.identity.setPrincipal(verifier);
    const record = ok(await e.identity.slash(provider, STAKE / 4n, `job ${job.id}: wrong tokens`));
    expect(record).toMatchObject({ requested: STAKE / 4n, amount: STAKE / 4n });
    expect(await e.identity.get_stake(provider)).toMatchObject({
      bonded: 0n,
      unbonding: [{ amount: (STAKE * 3n) / 4n }],
      slashed: STAKE / 4n,
    });
    expect((await balance(e, treasury)) - before).toBe(STAKE / 4n - FEE);
  });

  it('keeps a slash that finds the provider busy in a ledger call, and applies it when the call ends', async () => {
    const { provider } = await onboardProvider(e, [model], OFFER);
    const more = 50_000_000n;
    await mint(e, provider, more + 2n * FEE);
    await approve(e, provider, e.ids.identity, more + FEE);
    const asProvider = network.createActor<IdentityService>(identityIdl, e.ids.identity);
    asProvider.setPrincipal(provider);
    const asVerifier = network.createActor<IdentityService>(identityIdl, e.ids.identity);
    asVerifier.setPrincipal(verifier);

    // The slash arrives while the stake call waits on the ledger.
    const staking = asProvider.stake(more);
    const slashing = asVerifier.slash(provider, 30_000_000n, 'lied while staking');
    const [staked, slashed] = await Promise.all([staking, slashing]);
    expect(slashed).toMatchObject({ Err: { SlashPending: {} } });
    expect(await e.identity.pending_slashes_of(provider)).toEqual([]);
    expect(await e.identity.slashes_of(provider)).toMatchObject([
      { requested: 30_000_000n, amount: 30_000_000n, reason: 'lied while staking' },
    ]);
    expect(ok(staked)).toMatchObject({ bonded: STAKE + more - 30_000_000n, slashed: 30_000_000n });
    // The marketplace heard of the slash too.
    expect(await e.marketplace.provider_standing(provider)).toMatchObject([{ stake: STAKE + more - 30_000_000n }]);
  });
});
