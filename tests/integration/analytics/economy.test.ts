// Analytics fed by the real economy canisters on the local network, wired as `npm start` wires them: a known
// sequence of jobs (settled, failed, cancelled, rejected) run through the marketplace and payment, and the figures
// analytics shows checked against what the ledger moved and payment credited. Then analytics is stopped and
// deleted, and jobs still settle.
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Job } from '../../../canisters/marketplace/job_types';
import type { Account } from '../../../canisters/ledger/types';
import { escrowSubaccount, POOL_SUBACCOUNT } from '../../../canisters/payment/subaccounts';
import type { TimeRange } from '../../../canisters/analytics/queries';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';
import {
  FEE,
  NAMES,
  account,
  approve,
  balance,
  deployEconomy,
  errName,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  type Economy,
} from '../economy/suite';

const RESULT = createHash('sha256').update('Rayleigh scattering').digest();
const NS_PER_MS = 1_000_000n;

describe('analytics of jobs run through the marketplace and payment', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  const creator = randomUser();
  let model: bigint;
  let treasury: Account;
  let pool: Account;
  const providers: Principal[] = [];

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer, [...NAMES, 'analytics']);
    model = (await publishModel(e, creator, 'tiny-llama', 500)).id;
    for (const amount of [1_000_000n, 1_500_000n]) {
      providers.push((await onboardProvider(e, [model], { price: { unit: { per_request: null }, amount } })).provider);
    }
    treasury = (await e.payment.get_config()).config.treasury;
    pool = account(e.ids.payment, POOL_SUBACCOUNT);
  });
  afterAll(() => network.stop());

  async function range(): Promise<TimeRange> {
    const now = BigInt(await network.getTime()) * NS_PER_MS;
    return { resolution: { hour: null }, from: now - 3_600_000n * NS_PER_MS, to: now + 3_600_000n * NS_PER_MS };
  }

  /** Quotes, approves and submits; returns the job and what the ledger moved into its escrow subaccount. */
  async function submit(consumer: Principal): Promise<{ job: Job; escrowed: bigint }> {
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(jobRequest(model)));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(jobRequest(model)));
    return { job, escrowed: await balance(e, account(e.ids.payment, escrowSubaccount(job.id))) };
  }

  const owed = (owner: Principal | Account) => e.payment.owed_of('owner' in owner ? owner : account(owner));

  it('counts jobs by stage, success rate, latency, volume, fees and flows exactly as the ledger and payment moved them', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 100_000_000n);
    const before = {
      pool: await balance(e, pool),
      providers: await Promise.all(providers.map(owed)),
      creator: await owed(creator),
      treasury: await owed(treasury),
    };

    // Settled: completed by the admin (no bridge here) 1.5 s after submission.
    const settled = await submit(consumer);
    await network.advanceTime(1_500);
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.complete_job(settled.job.id, RESULT, [])).state).toEqual({ settled: null });

    // Failed, then cancelled: both refunded in full, less the refund leg's fee.
    const failed = await submit(consumer);
    const cancelled = await submit(consumer);
    const beforeRefunds = await balance(e, consumer);
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.fail_job(failed.job.id, 'the worker crashed')).state).toEqual({ refunded: null });
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.cancel_job(cancelled.job.id)).state).toEqual({ refunded: null });
    const refundsReceived = (await balance(e, consumer)) - beforeRefunds;

    // Rejected: no allowance, so the escrow cannot be taken.
    const broke = randomUser();
    e.marketplace.setPrincipal(broke);
    expect(errName(await e.marketplace.submit_job(jobRequest(model)))).toBe('PaymentFailed');
    await network.tick();

    const escrowed = settled.escrowed + failed.escrowed + cancelled.escrowed;
    expect(escrowed).toBe(settled.job.price + failed.job.price + cancelled.job.price);
    const credited = {
      providers: (await Promise.all(providers.map(owed))).map((now, i) => now - before.providers[i]),
      creator: (await owed(creator)) - before.creator,
      treasury: (await owed(treasury)) - before.treasury,
    };
    const swept = (await balance(e, pool)) - before.pool;

    const all = ok(await e.analytics!.summary({ all: null }, await range()));
    expect(all).toMatchObject({ submitted: 4n, matched: 3n, rejected: 1n, completed: 1n, failed: 2n, settled: 1n, refunded: 2n });
    expect(all.success_rate_bps).toEqual([3_333]);
    // 1,500 ms lies in the 1,500..2,000 ms bin, read as its upper bound.
    expect(all).toMatchObject({ p50_latency_ms: [2_000n], p95_latency_ms: [2_000n], mean_latency_ms: [1_500n] });

    const flows = ok(await e.analytics!.flows(await range()));
    expect(flows).toEqual({
      from_consumers: escrowed,
      to_providers: credited.providers.reduce((a, b) => a + b, 0n),
      to_creators: credited.creator,
      to_treasury: credited.treasury,
      // One leg out of each escrow: the settled job's sweep and the two refunds.
      to_ledger_fees: 3n * FEE,
      refunded_to_consumers: refundsReceived,
      slashed_from_providers: 0n,
    });
    // The credits are exactly what the sweep put in the pool.
    expect(flows.to_providers + flows.to_creators + flows.to_treasury).toBe(swept);

    // The provider that ran the settled job, by provider and in the leaderboard; the model and the region.
    const runner = credited.providers.findIndex((amount) => amount > 0n);
    expect(runner).toBeGreaterThanOrEqual(0);
    const ofRunner = ok(await e.analytics!.summary({ provider: providers[runner] }, await range()));
    expect(ofRunner).toMatchObject({ completed: 1n, settled: 1n, provider_earnings: credited.providers[runner] });
    const board = ok(
      await e.analytics!.leaderboard({
        kind: { provider: null },
        metric: { provider_earnings: null },
        range: await range(),
        offset: 0,
        limit: 10,
      }),
    );
    expect(board.entries[0].dimension).toEqual({ provider: providers[runner] });
    expect(ok(await e.analytics!.summary({ model }, await range()))).toMatchObject({ submitted: 4n, volume: escrowed });
    expect(ok(await e.analytics!.summary({ region: 'eu-west' }, await range()))).toMatchObject({ matched: 3n, volume: escrowed });
    expect(await e.analytics!.account_flows(consumer)).toEqual([
      expect.objectContaining({ spent: escrowed, refunded: refundsReceived, provider_earnings: 0n }),
    ]);
  });

  it('refuses events from anyone but the reporting canisters', async () => {
    e.analytics!.setPrincipal(randomUser());
    expect(errName(await e.analytics!.record([]))).toBe('Unauthorized');
    expect((await e.analytics!.settings()).reporters.map((p) => p.toText()).sort()).toEqual(
      [e.ids.marketplace, e.ids.payment].map((p) => p.toText()).sort(),
    );
  });

  it('settles jobs while analytics is stopped, and after it is deleted', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    const counted = ok(await e.analytics!.summary({ all: null }, await range())).settled;
    await network.stopCanister(e.ids.analytics, deployer);
    const whileStopped = await submit(consumer);
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.complete_job(whileStopped.job.id, RESULT, [])).state).toEqual({ settled: null });
    await network.startCanister(e.ids.analytics, deployer);
    // Its reports were refused while it was stopped: nothing waits to be delivered.
    await network.tick(3);
    expect(ok(await e.analytics!.summary({ all: null }, await range())).settled).toBe(counted);

    await network.stopCanister(e.ids.analytics, deployer);
    await network.deleteCanister(e.ids.analytics, deployer);
    const afterDeletion = await submit(consumer);
    e.marketplace.setPrincipal(deployer);
    expect(ok(await e.marketplace.complete_job(afterDeletion.job.id, RESULT, [])).state).toEqual({ settled: null });
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(afterDeletion.job.id)).state).toEqual({ settled: null });
  });
});
