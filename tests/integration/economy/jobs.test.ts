// The five economy canisters' real Wasm on one local network, wired as `npm start` wires them: a job from
// submission to settlement with exact ledger balances and royalties, a no-match with its explanation, two
// submissions racing for one allowance, refunds on failure, cancellation and timeout, reservations paid up front,
// every privileged method refused, an upgrade of all five mid-way, and the bridge taking over job outcomes.
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import type { Job } from '../../../canisters/marketplace/job_types';
import type { Offer } from '../../../canisters/marketplace/offer_types';
import type { Account } from '../../../canisters/ledger/types';
import { escrowSubaccount } from '../../../canisters/payment/subaccounts';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  WASM,
  account,
  approve,
  balance,
  deployEconomy,
  errName,
  expectMoneyInvariant,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  type Economy,
} from './suite';

const RESULT = createHash('sha256').update('Rayleigh scattering').digest();
const MINUTE_MS = 60_000;

/** bps of an amount, rounded down, as payment's split does. */
const bps = (amount: bigint, share: number) => (amount * BigInt(share)) / 10_000n;

describe('the economy: jobs across ledger, identity, registry, marketplace and payment', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const [creator, embedderCreator] = [randomUser(), randomUser()];
  let model: bigint;
  let embedder: bigint;
  let providers: Map<string, Principal>;
  let treasury: Account;
  // Every job and reservation id that went through payment, for the money invariant.
  const escrowIds: bigint[] = [];

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    model = (await publishModel(e, creator, 'tiny-llama', 500)).id;
    embedder = (await publishModel(e, embedderCreator, 'tiny-embedder', 200)).id;
    const a = await onboardProvider(e, [model, embedder]);
    const b = await onboardProvider(e, [model, embedder], { price: { unit: { per_request: null }, amount: 1_500_000n } });
    providers = new Map([a, b].map(({ provider, offer }) => [offer.id.toString(), provider]));
    treasury = (await e.payment.get_config()).config.treasury;
  });
  afterAll(() => network.stop());

  const providerOf = (job: Job, i = 0): Principal => providers.get(job.offers[i].toString())!;
  const owedAccounts = (): Account[] => [
    ...[...providers.values()].map((p) => account(p)),
    account(creator),
    account(embedderCreator),
    treasury,
  ];

  async function consumerWith(amount: bigint): Promise<Principal> {
    const consumer = randomUser();
    await mint(e, consumer, amount);
    return consumer;
  }

  /** Quotes, approves the payment canister for the quote plus the transfer fee, and submits. */
  async function submitPaid(consumer: Principal, request = jobRequest(model)): Promise<Job> {
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(request));
    escrowIds.push(job.id);
    return job;
  }

  async function loadOf(offer: bigint): Promise<number> {
    return (ok(await e.marketplace.get_offer(offer)) as Offer).load;
  }

  it('takes a job from submission to settlement: escrow, 80/15/5 to provider, treasury and creator, withdrawals', async () => {
    const consumer = await consumerWith(50_000_000n);
    const before = await balance(e, consumer);
    const job = await submitPaid(consumer);
    expect(job).toMatchObject({ state: { matched: null }, consumer, price: 1_000_000n, royalty_bps: 500 });
    expect(job.creator.toText()).toBe(creator.toText());
    expect(job.offers).toHaveLength(2); // one to run, one spare (the other provider)
    // The approve and the escrow's transfer_from each cost the consumer one fee.
    expect(before - (await balance(e, consumer))).toBe(job.price + 2n * FEE);
    expect(await balance(e, account(e.ids.payment, escrowSubaccount(job.id)))).toBe(job.price);
    expect(await loadOf(job.offers[0])).toBe(1);
    expect(await e.marketplace.model_rates(model)).toMatchObject({ capacity: 4, load: 1, utilization_bps: 2_500, multiplier_bps: 10_000 });

    const provider = providerOf(job);
    const owedBefore = await Promise.all([provider, creator].map((p) => e.payment.owed_of(account(p))));
    const treasuryBefore = await e.payment.owed_of(treasury);
    e.marketplace.setPrincipal(deployer);
    const settled = ok(await e.marketplace.complete_job(job.id, RESULT, []));
    expect(settled).toMatchObject({ state: { settled: null }, result_hash: [new Uint8Array(RESULT)] });
    expect(await loadOf(job.offers[0])).toBe(0);

    // The sweep leg pays one fee; the rest splits 80 / 5 / 15, remainders to the treasury.
    const distributable = job.price - FEE;
    const [providerShare, creatorShare] = [bps(distributable, 8_000), bps(distributable, 500)];
    expect((await e.payment.owed_of(account(provider))) - owedBefore[0]).toBe(providerShare);
    expect((await e.payment.owed_of(account(creator))) - owedBefore[1]).toBe(creatorShare);
    expect((await e.payment.owed_of(treasury)) - treasuryBefore).toBe(distributable - providerShare - creatorShare);

    // The consumer reads the job and lists it; a stranger may not read it.
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(job.id)).state).toEqual({ settled: null });
    expect(ok(await e.marketplace.list_jobs({ offset: 0n, limit: 10 })).jobs.map((j) => j.id)).toEqual([job.id]);
    e.marketplace.setPrincipal(randomUser());
    expect(errName(await e.marketplace.get_job(job.id))).toBe('Unauthorized');

    // Provider and creator withdraw what they are owed: the ledger pays it less one fee.
    for (const payee of [provider, creator]) {
      const owed = await e.payment.owed_of(account(payee));
      const held = await balance(e, payee);
      e.payment.setPrincipal(payee);
      ok(await e.payment.withdraw(owed, account(payee)));
      expect((await balance(e, payee)) - held).toBe(owed - FEE);
      expect(await e.payment.owed_of(account(payee))).toBe(0n);
    }
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('pays a model creator the royalty the model asks, the unclaimed creator share going to the provider', async () => {
    const consumer = await consumerWith(50_000_000n);
    const job = await submitPaid(consumer, jobRequest(embedder));
    expect(job.royalty_bps).toBe(200);
    const provider = providerOf(job);
    const before = await Promise.all([provider, embedderCreator].map((p) => e.payment.owed_of(account(p))));
    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(job.id, RESULT, []));
    const distributable = job.price - FEE;
    expect((await e.payment.owed_of(account(provider))) - before[0]).toBe(bps(distributable, 8_300));
    expect((await e.payment.owed_of(account(embedderCreator))) - before[1]).toBe(bps(distributable, 200));
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('publishes a multiplier that rises with utilization, and charges the priority lane its surcharge on top', async () => {
    const consumer = await consumerWith(100_000_000n);
    const running: Job[] = [];
    // 3 of the 4 slots taken: 75% utilization, between the curve's points (50%, 1.0) and (80%, 1.25).
    for (let i = 0; i < 3; i++) running.push(await submitPaid(consumer));
    const rates = await e.marketplace.model_rates(model);
    expect(rates).toMatchObject({ capacity: 4, load: 3, utilization_bps: 7_500, multiplier_bps: 12_083, priority_surcharge_bps: 2_500 });
    e.marketplace.setPrincipal(consumer);
    const priority = ok(await e.marketplace.quote(jobRequest(model, { lane: { priority: null } })));
    const offer = ok(await e.marketplace.get_offer(priority.chosen[0].offer));
    const expected = (offer.terms.price.amount * 12_083n * 12_500n + 99_999_999n) / 100_000_000n;
    expect(priority).toMatchObject({ multiplier_bps: 12_083, total: expected });
    const job = await submitPaid(consumer, jobRequest(model, { lane: { priority: null } }));
    expect(job.price).toBe(expected);
    e.marketplace.setPrincipal(deployer);
    for (const done of [...running, job]) ok(await e.marketplace.complete_job(done.id, RESULT, []));
    expect(await e.marketplace.model_rates(model)).toMatchObject({ load: 0, multiplier_bps: 10_000 });
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('explains a no-match offer by offer and moves no money', async () => {
    const consumer = await consumerWith(50_000_000n);
    await approve(e, consumer, e.ids.payment, 10_000_000n);
    const before = await balance(e, consumer);
    e.marketplace.setPrincipal(consumer);
    const refused = await e.marketplace.submit_job(
      jobRequest(model, {
        max_price: 900_000n,
        hardware: { min_vram_gib: 48, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
      }),
    );
    if (!('Err' in refused) || !('NoMatch' in refused.Err))
      throw new Error(`expected NoMatch, got ${JSON.stringify(Object.keys(refused))}`);
    const noMatch = refused.Err.NoMatch;
    expect(noMatch).toMatchObject({ needed: 1, eligible: 0 });
    expect(noMatch.offers).toHaveLength(2);
    for (const { reasons } of noMatch.offers) {
      const names = reasons.map((r) => Object.keys(r)[0]);
      expect(names).toEqual(expect.arrayContaining(['HardwareTooSmall', 'PriceAboveMax']));
    }
    expect(await balance(e, consumer)).toBe(before);
    expect(ok(await e.marketplace.list_jobs({ offset: 0n, limit: 10 })).total).toBe(0n);

    // Other refusals before any money moves: bad input, an unknown model, a model on an allow list.
    expect(errName(await e.marketplace.submit_job(jobRequest(model, { redundancy: 4 })))).toBe('InvalidInput');
    expect(errName(await e.marketplace.submit_job(jobRequest(999n)))).toBe('UnknownModel');
    const closed = await publishModel(e, creator, 'private-llama', 500, { allow_list: [randomUser()] });
    e.marketplace.setPrincipal(consumer);
    expect(errName(await e.marketplace.submit_job(jobRequest(closed.id)))).toBe('ModelNotAllowed');
    expect(await balance(e, consumer)).toBe(before);
  });

  it('lets exactly one of two submissions racing for one allowance escrow; the other is rejected and frees its slot', async () => {
    const consumer = await consumerWith(50_000_000n);
    const request = jobRequest(model);
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    const before = await balance(e, consumer);
    const loads = await Promise.all([...providers.keys()].map((id) => loadOf(BigInt(id))));

    e.marketplace.setPrincipal(consumer);
    const results = await Promise.all([e.marketplace.submit_job(request), e.marketplace.submit_job(request)]);
    const won = results.filter((r) => 'Ok' in r);
    const lost = results.filter((r) => 'Err' in r);
    expect(won).toHaveLength(1);
    expect(lost.map(errName)).toEqual(['PaymentFailed']);
    const winner = ok(won[0]);
    escrowIds.push(winner.id);

    expect(before - (await balance(e, consumer))).toBe(winner.price + FEE);
    const jobs = ok(await e.marketplace.list_jobs({ offset: 0n, limit: 10 })).jobs;
    expect(jobs.map((j) => Object.keys(j.state)[0]).sort()).toEqual(['matched', 'rejected']);
    const rejected = jobs.find((j) => 'rejected' in j.state)!;
    expect(rejected.failure[0]).toMatch(/^escrow: /);
    // It never held money, so it keeps none of the input the winner carries.
    expect(winner.request.input).toHaveLength(1);
    expect(rejected.request.input).toEqual([]);
    expect(await e.payment.escrow_of(rejected.id)).toEqual([]);
    // Only the winner holds a slot.
    const after = await Promise.all([...providers.keys()].map((id) => loadOf(BigInt(id))));
    expect(after.reduce((x, y) => x + y, 0)).toBe(loads.reduce((x, y) => x + y, 0) + 1);

    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(winner.id, RESULT, []));
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('refunds a failed job and a cancelled one in full less the refund fee, and frees their slots', async () => {
    const consumer = await consumerWith(50_000_000n);
    const failing = await submitPaid(consumer);
    const afterEscrow = await balance(e, consumer);
    e.marketplace.setPrincipal(deployer);
    const failed = ok(await e.marketplace.fail_job(failing.id, 'the worker crashed'));
    expect(failed).toMatchObject({ state: { refunded: null }, failure: ['the worker crashed'] });
    expect((await balance(e, consumer)) - afterEscrow).toBe(failing.price - FEE);
    expect(await loadOf(failing.offers[0])).toBe(0);
    expect(errName(await e.marketplace.fail_job(failing.id, 'again'))).toBe('InvalidTransition');
    expect(errName(await e.marketplace.complete_job(failing.id, RESULT, []))).toBe('InvalidTransition');

    const cancelling = await submitPaid(consumer);
    const beforeCancel = await balance(e, consumer);
    e.marketplace.setPrincipal(randomUser());
    expect(errName(await e.marketplace.cancel_job(cancelling.id))).toBe('Unauthorized');
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.cancel_job(cancelling.id))).toMatchObject({
      state: { refunded: null },
      failure: ['cancelled by the consumer'],
    });
    expect((await balance(e, consumer)) - beforeCancel).toBe(cancelling.price - FEE);
    expect(errName(await e.marketplace.cancel_job(cancelling.id))).toBe('InvalidTransition');
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('times out a job nobody reports on and refunds it from the sweep timer', async () => {
    const consumer = await consumerWith(50_000_000n);
    const job = await submitPaid(consumer);
    const afterEscrow = await balance(e, consumer);
    await network.advanceTime(MINUTE_MS);
    await network.tick();
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(job.id)).state).toEqual({ matched: null });

    await network.advanceTime(Number(DEFAULT_CONFIG.job_timeout_ns / 1_000_000n));
    await network.tick(3);
    expect(ok(await e.marketplace.get_job(job.id))).toMatchObject({ state: { refunded: null }, failure: ['timed out'] });
    expect((await balance(e, consumer)) - afterEscrow).toBe(job.price - FEE);
    expect(await loadOf(job.offers[0])).toBe(0);
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('sells a reservation up front and runs the holder’s jobs in it at no further charge, keeping others out', async () => {
    const { provider, offer } = await onboardProvider(e, [model], {
      capacity: 1,
      price: { unit: { per_request: null }, amount: 500_000n },
    });
    providers.set(offer.id.toString(), provider);
    const holder = await consumerWith(50_000_000n);
    const start = BigInt(await network.getTime()) * 1_000_000n + 60_000_000_000n;
    const request = { offer: offer.id, slots: 1, start, end: start + 3_600_000_000_000n };
    await approve(e, holder, e.ids.payment, 3_000_000n + FEE);
    const owedBefore = await e.payment.owed_of(account(provider));
    const held = await balance(e, holder);
    e.marketplace.setPrincipal(holder);
    const reservation = ok(await e.marketplace.reserve(request));
    escrowIds.push(reservation.id);
    expect(reservation).toMatchObject({ price: 3_000_000n, paid: true, slots: 1 });
    expect(held - (await balance(e, holder))).toBe(3_000_000n + FEE);
    // No model, no royalty: the provider gets the provider and creator shares.
    expect((await e.payment.owed_of(account(provider))) - owedBefore).toBe(bps(3_000_000n - FEE, 8_500));
    expect(errName(await e.marketplace.reserve(request))).toBe('InsufficientCapacity');

    // Before the window the holder cannot use it; inside it, the offer is full for everyone else.
    expect(errName(await e.marketplace.submit_job(jobRequest(model, { reservation: [reservation.id] })))).toBe('InvalidInput');
    await network.advanceTime(2 * MINUTE_MS);
    const other = jobRequest(model, { max_price: 600_000n });
    const explained = await e.marketplace.explain_match(other);
    if (!('NoMatch' in explained)) throw new Error('expected the reserved offer to be full');
    const reasons = explained.NoMatch.offers.find((o) => o.offer === offer.id)!.reasons;
    expect(reasons).toContainEqual({ NoCapacity: { capacity: 1, in_use: 1 } });

    const beforeJob = await balance(e, holder);
    e.marketplace.setPrincipal(holder);
    const job = ok(await e.marketplace.submit_job(jobRequest(model, { reservation: [reservation.id] })));
    expect(job).toMatchObject({ state: { matched: null }, price: 0n });
    expect([...job.offers]).toEqual([offer.id]);
    expect(errName(await e.marketplace.submit_job(jobRequest(model, { reservation: [reservation.id] })))).toBe('InvalidInput');
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.complete_job(job.id, RESULT, [])).state).toEqual({ settled: null });
    expect(await balance(e, holder)).toBe(beforeJob);
    e.marketplace.setPrincipal(randomUser());
    expect(errName(await e.marketplace.submit_job(jobRequest(model, { reservation: [reservation.id] })))).toBe('InvalidInput');
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('refuses every privileged method to other callers and to the anonymous principal', async () => {
    const consumer = await consumerWith(50_000_000n);
    const job = await submitPaid(consumer);
    const stranger = randomUser();
    const anonymous = Principal.anonymous();
    const config = await e.marketplace.get_config();
    const paymentConfig = (await e.payment.get_config()).config;
    const calls: [string, () => Promise<unknown>][] = [
      ['marketplace.complete_job', () => e.marketplace.complete_job(job.id, RESULT, [])],
      ['marketplace.fail_job', () => e.marketplace.fail_job(job.id, 'no')],
      ['marketplace.set_config', () => e.marketplace.set_config(config)],
      ['marketplace.set_peers', () => e.marketplace.set_peers({ identity: [], payment: [stranger], model_registry: [], bridge: [], api: [] })],
      [
        'marketplace.set_provider_standing',
        () => e.marketplace.set_provider_standing(stranger, { certified: true, stake: 1n, reputation_bps: 1 }),
      ],
      ['payment.escrow', () => e.payment.escrow(job.id + 1_000n, account(consumer), 1_000_000n)],
      ['payment.settle', () => e.payment.settle(job.id, [account(stranger)], { account: account(stranger), royalty_bps: 0 })],
      ['payment.refund', () => e.payment.refund(job.id, { failed: null }, [], [])],
      ['payment.set_config', () => e.payment.set_config(paymentConfig)],
      ['payment.set_peers', () => e.payment.set_peers({ marketplace: [stranger], bridge: [] })],
      ['payment.withdraw_treasury', () => e.payment.withdraw_treasury(1n, account(stranger))],
      ['identity.set_certification', () => e.identity.set_certification(stranger, { certified: null }, 'self-certified')],
      ['identity.slash', () => e.identity.slash(providerOf(job), 1n, 'no reason')],
      ['identity.update_reputation', () => e.identity.update_reputation(providerOf(job), 100, 'self-rated')],
      ['registry.set_royalty_cap', () => e.registry.set_royalty_cap(10_000)],
    ];
    for (const caller of [stranger, anonymous, consumer]) {
      for (const actor of [e.marketplace, e.payment, e.identity, e.registry]) actor.setPrincipal(caller);
      for (const [name, call] of calls) {
        const outcome = await call().then(
          (reply) => (reply as { Err?: object }).Err,
          (error: Error) => ({ rejected: error.message }),
        );
        expect(outcome, `${name} as ${caller.toText()}`).toBeDefined();
        const kind = Object.keys(outcome as object)[0];
        expect(['Unauthorized', 'rejected'], `${name} as ${caller.toText()}: ${kind}`).toContain(kind);
      }
    }
    // Nothing moved: the job is still matched and its escrow held.
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(job.id)).state).toEqual({ matched: null });
    expect((await e.payment.escrow_of(job.id))[0]?.state).toEqual({ held: null });
    expect((await e.identity.standing(providerOf(job))).certified).toBe(true);
    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(job.id, RESULT, []));
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('lets a provider offer only nodes it has claimed', async () => {
    const { provider, node, offer } = await onboardProvider(e, [model]);
    providers.set(offer.id.toString(), provider);
    const other = await onboardProvider(e, [model]);
    providers.set(other.offer.id.toString(), other.provider);
    e.marketplace.setPrincipal(provider);
    // Another provider's node, or a node nobody claimed: refused, and nothing changes.
    for (const nodes of [[other.node], [node, randomUser()]]) {
      expect(errName(await e.marketplace.create_offer({ ...offer.terms, nodes }))).toBe('Unauthorized');
      expect(errName(await e.marketplace.update_offer(offer.id, { ...offer.terms, nodes }))).toBe('Unauthorized');
    }
    expect(ok(await e.marketplace.get_offer(offer.id)).terms.nodes.map((n) => n.toText())).toEqual([node.toText()]);
    ok(await e.marketplace.retire_offer(offer.id));
    e.marketplace.setPrincipal(other.provider);
    ok(await e.marketplace.retire_offer(other.offer.id));
  });

  it('keeps every canister’s state through an upgrade of all five with a job in flight, then settles it exactly', async () => {
    const consumer = await consumerWith(50_000_000n);
    const job = await submitPaid(consumer);
    const provider = providerOf(job);
    e.marketplace.setPrincipal(consumer);
    const snapshot = async () => ({
      job: ok(await e.marketplace.get_job(job.id)),
      offer: ok(await e.marketplace.get_offer(job.offers[0])),
      standing: await e.marketplace.provider_standing(provider),
      escrow: await e.payment.escrow_of(job.id),
      owed: await e.payment.owed_of(treasury),
      stake: await e.identity.get_stake(provider),
      nodes: await e.identity.nodes_of(provider),
      model: ok(await e.registry.get(model)),
      balance: await balance(e, consumer),
      supply: await e.ledger.icrc1_total_supply(),
    });
    const before = await snapshot();
    for (const name of NAMES) await network.upgradeCanister({ canisterId: e.ids[name], wasm: WASM[name], sender: deployer });
    await network.tick();
    e.marketplace.setPrincipal(consumer);
    expect(await snapshot()).toEqual(before);

    const treasuryBefore = await e.payment.owed_of(treasury);
    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(job.id, RESULT, []));
    const distributable = job.price - FEE;
    expect((await e.payment.owed_of(treasury)) - treasuryBefore).toBe(distributable - bps(distributable, 8_000) - bps(distributable, 500));

    // The sweep timer is armed again after the upgrade: a job left alone times out and is refunded.
    const stale = await submitPaid(consumer);
    await network.advanceTime(Number(DEFAULT_CONFIG.job_timeout_ns / 1_000_000n) + MINUTE_MS);
    await network.tick(3);
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(stale.id)).state).toEqual({ refunded: null });
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });

  it('hands job outcomes to the bridge once one is named, closing the admin’s path', async () => {
    const consumer = await consumerWith(50_000_000n);
    const job = await submitPaid(consumer);
    const bridge = randomUser();
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.set_peers({ identity: [], payment: [], model_registry: [], bridge: [bridge], api: [] })).bridge).toEqual([bridge]);
    e.payment.setPrincipal(deployer);
    ok(await e.payment.set_peers({ marketplace: [], bridge: [bridge] }));
    expect(errName(await e.marketplace.complete_job(job.id, RESULT, []))).toBe('Unauthorized');
    e.marketplace.setPrincipal(bridge);
    expect(errName(await e.marketplace.complete_job(job.id, new Uint8Array(31), []))).toBe('InvalidInput');
    expect(ok(await e.marketplace.get_job(job.id)).state).toEqual({ matched: null });
    expect(ok(await e.marketplace.complete_job(job.id, RESULT, [])).state).toEqual({ settled: null });
    await expectMoneyInvariant(e, escrowIds, owedAccounts());
  });
});
