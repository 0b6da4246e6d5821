// Issue 13, item 3, on the real canisters: a slash, a suspension or a reputation change reaches matching with no
// refresh_standing call (identity pushes each change to the marketplace), and reputation rises with settled jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NO_CHANGES } from '../../../canisters/identity/settings';
import { JOB_CREDIT_BPS } from '../../../canisters/marketplace/identity_peer';
import type { JobRequest } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, STAKE, approve, deployEconomy, jobRequest, mint, ok, onboardProvider, publishModel, type Economy } from '../economy/deploy';
import { randomUser } from '../localnet/probe';

const perRequest = (amount: bigint) => ({ price: { unit: { per_request: null }, amount }, capacity: 10 });

describe('standings reach matching without refresh_standing', () => {
  let network: LocalNetwork;
  let e: Economy;
  let model: bigint;
  const deployer = randomUser();
  const verifier = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    model = (await publishModel(e, randomUser(), 'standing-llama', 0)).id;
    e.identity.setPrincipal(deployer);
    ok(await e.identity.update_settings({ ...NO_CHANGES, verification: [verifier] }));
  });
  afterAll(() => network.stop());

  async function chosenOffer(request: JobRequest = jobRequest(model)): Promise<bigint> {
    e.marketplace.setPrincipal(randomUser());
    return ok(await e.marketplace.quote(request)).chosen[0].offer;
  }

  it('stops matching a slashed provider, and a suspended one, with no refresh call', async () => {
    const cheap = await onboardProvider(e, [model], perRequest(100_000n));
    const dear = await onboardProvider(e, [model], perRequest(1_000_000n));
    expect(await chosenOffer()).toBe(cheap.offer.id);

    // Any slash leaves the cheap provider below the minimum stake (it staked exactly the minimum).
    e.identity.setPrincipal(verifier);
    ok(await e.identity.slash(cheap.provider, 10n * FEE, 'job 0: wrong tokens'));
    expect(await e.marketplace.provider_standing(cheap.provider)).toEqual([
      { certified: true, stake: STAKE - 10n * FEE, reputation_bps: 5_000 },
    ]);
    expect(await chosenOffer()).toBe(dear.offer.id);

    // A suspension of the other leaves nobody.
    e.identity.setPrincipal(deployer);
    ok(await e.identity.set_certification(dear.provider, { suspended: null }, 'failed an audit'));
    e.marketplace.setPrincipal(randomUser());
    const none = await e.marketplace.quote(jobRequest(model));
    expect('Err' in none && none.Err.eligible).toBe(0);
    ok(await e.identity.set_certification(dear.provider, { certified: null }, 'passed a re-audit'));
    expect(await chosenOffer()).toBe(dear.offer.id);
  });

  it(`raises reputation by ${JOB_CREDIT_BPS} bps per settled job, and a judge's cut reaches matching`, async () => {
    const { provider, offer } = await onboardProvider(e, [model], perRequest(20_000n));
    const request = jobRequest(model);
    for (let i = 0; i < 2; i++) {
      const consumer = randomUser();
      await mint(e, consumer, 10_000_000n);
      e.marketplace.setPrincipal(consumer);
      const quote = ok(await e.marketplace.quote(request));
      expect(quote.chosen[0].offer).toBe(offer.id);
      await approve(e, consumer, e.ids.payment, quote.total + FEE);
      e.marketplace.setPrincipal(consumer);
      const job = ok(await e.marketplace.submit_job(request));
      // No bridge in this economy: the admin reports the outcome.
      e.marketplace.setPrincipal(deployer);
      expect(ok(await e.marketplace.complete_job(job.id, new Uint8Array(32).fill(i + 1), [])).state).toEqual({ settled: null });
    }
    const credited = 5_000 + 2 * JOB_CREDIT_BPS;
    expect((await e.identity.get_reputation(provider)).bps).toBe(credited);
    expect(await e.marketplace.provider_standing(provider)).toMatchObject([{ reputation_bps: credited }]);

    // The provider cannot credit itself; the verification canister's penalty reaches matching at once.
    e.identity.setPrincipal(provider);
    expect(await e.identity.update_reputation(provider, 100, 'self-praise')).toMatchObject({ Err: { Unauthorized: expect.any(String) } });
    e.identity.setPrincipal(verifier);
    ok(await e.identity.update_reputation(provider, -1_000, 'disagreed with the majority'));
    expect(await e.marketplace.provider_standing(provider)).toMatchObject([{ reputation_bps: credited - 1_000 }]);
    e.marketplace.setPrincipal(randomUser());
    const matched = await e.marketplace.explain_match(request);
    if (!('Matched' in matched)) throw new Error('expected a match');
    const candidate = [...matched.Matched.chosen, ...matched.Matched.spares].find((c) => c.offer === offer.id);
    expect(candidate?.score.reputation).toBe(credited - 1_000);
  });

  it('retries a push the marketplace missed until it takes it', async () => {
    const { provider, offer } = await onboardProvider(e, [model], perRequest(15_000n));
    expect(await chosenOffer()).toBe(offer.id);

    // The marketplace is stopped (an upgrade, say) while identity suspends the provider: the push fails.
    await network.stopCanister(e.ids.marketplace, deployer);
    e.identity.setPrincipal(deployer);
    ok(await e.identity.set_certification(provider, { suspended: null }, 'failed an audit'));
    await network.startCanister(e.ids.marketplace, deployer);
    expect(await e.marketplace.provider_standing(provider)).toMatchObject([{ certified: true }]);

    // Identity's timer pushes it again.
    await network.advanceTime(31_000);
    await network.tick(3);
    expect(await e.marketplace.provider_standing(provider)).toMatchObject([{ certified: false }]);
    expect(await chosenOffer()).not.toBe(offer.id);
  });

  it('refuses standings pushed by anyone but identity', async () => {
    e.marketplace.setPrincipal(deployer);
    const forged = { min_stake: 0n, standings: [{ provider: deployer, certified: true, stake: 10n ** 12n, reputation_bps: 10_000 }] };
    // Refused before induction by inspect_message (peers call it, never ingress); the guard stands behind it.
    await expect(e.marketplace.push_standings(forged)).rejects.toThrow(/rejected the message/);
    expect(await e.marketplace.provider_standing(deployer)).toEqual([]);
  });
});
