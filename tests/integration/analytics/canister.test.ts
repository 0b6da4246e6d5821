// The analytics canister's real Wasm alone on the local network: who may report, what the dashboard queries show,
// that the figures survive an upgrade, and that the roll-up timer drops old minute buckets and keeps their sums.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Event } from '../../../canisters/analytics/events';
import { LocalNetwork, Reject } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';
import { ANALYTICS_WASM, setupAnalytics, type AnalyticsService } from './client';
import type { Actor } from '../../../src/localnet/actor.js';

const HOUR_MS = 3_600_000;
const NS_PER_MS = 1_000_000n;

describe('the analytics canister', () => {
  let network: LocalNetwork;
  let analytics: Actor<AnalyticsService>;
  let canisterId: import('@dfinity/principal').Principal;
  const [deployer, reporter, stranger, consumer, provider] = [randomUser(), randomUser(), randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
    ({ actor: analytics, canisterId } = await setupAnalytics(network, deployer, [reporter]));
  });
  afterAll(() => network.stop());

  const now = async () => BigInt(await network.getTime()) * NS_PER_MS;
  const range = async (resolution: 'minute' | 'hour' | 'day', hours = 24) => {
    const to = (await now()) + NS_PER_MS * 1000n;
    return { resolution: { [resolution]: null } as never, from: to - BigInt(hours * HOUR_MS) * NS_PER_MS, to };
  };
  const jobEvent = (id: bigint, stage: string, at: bigint, latency?: bigint): Event => ({
    job: {
      job_id: id,
      stage: { [stage]: null } as never,
      model: 3n,
      consumer,
      providers: stage === 'submitted' ? [] : [provider],
      region: stage === 'submitted' ? [] : ['eu-west'],
      price: 500_000n,
      latency_ms: latency === undefined ? [] : [latency],
      at,
    },
  });

  it('takes events only from its reporters: anonymous ingress is refused before induction, others get Unauthorized', async () => {
    const at = await now();
    const refused = await analytics.record([jobEvent(1n, 'submitted', at)]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Reject);
    expect(refused).toMatchObject({ code: 4, errorCode: 'IC0406' });
    analytics.setPrincipal(stranger);
    expect(await analytics.record([jobEvent(1n, 'submitted', at)])).toEqual({ Err: { Unauthorized: expect.any(String) } });
    expect(await analytics.set_reporters([stranger])).toEqual({ Err: { Unauthorized: expect.any(String) } });
    analytics.setPrincipal(reporter);
    expect(await analytics.record([jobEvent(1n, 'submitted', at), jobEvent(1n, 'matched', at)])).toEqual({ Ok: 2 });
    expect(await analytics.record(Array.from({ length: 101 }, () => jobEvent(9n, 'submitted', at)))).toEqual({
      Err: { InvalidInput: expect.any(String) },
    });
    const summary = await analytics.summary({ all: null }, await range('hour'));
    expect(summary).toEqual({ Ok: expect.objectContaining({ submitted: 1n, matched: 1n }) });
  });

  it('answers the dashboard queries, keeps them across an upgrade, and rolls minutes up without losing a count', async () => {
    analytics.setPrincipal(reporter);
    const at = await now();
    ok(await analytics.record([jobEvent(1n, 'dispatched', at), jobEvent(1n, 'completed', at, 420n)]));
    const payment: Event = {
      payment: {
        job_id: 1n,
        consumer,
        escrow: 500_000n,
        refund: 0n,
        ledger_fees: 10_000n,
        credits: [
          { owner: provider, role: { provider: null }, amount: 392_000n },
          { owner: consumer, role: { treasury: null }, amount: 98_000n },
        ],
        at,
      },
    };
    ok(await analytics.record([payment, jobEvent(1n, 'settled', at)]));
    const before = {
      summary: ok(await analytics.summary({ provider }, await range('hour'))),
      flows: ok(await analytics.flows(await range('day', 48))),
    };
    expect(before.summary).toMatchObject({ matched: 1n, completed: 1n, settled: 1n, provider_earnings: 392_000n, p95_latency_ms: [500n] });
    expect(before.flows).toMatchObject({ from_consumers: 500_000n, to_providers: 392_000n, to_treasury: 98_000n, to_ledger_fees: 10_000n });
    const board = ok(
      await analytics.leaderboard({ kind: { region: null }, metric: { volume: null }, range: await range('minute'), offset: 0, limit: 10 }),
    );
    expect(board.entries.map((e) => e.dimension)).toEqual([{ region: 'eu-west' }]);
    expect(await analytics.account_flows(provider)).toEqual([expect.objectContaining({ provider_earnings: 392_000n })]);
    const minutes = ok(await analytics.series({ all: null }, await range('minute', 1)));
    expect(minutes.reduce((sum, point) => sum + point.summary.completed, 0n)).toBe(1n);

    await network.upgradeCanister({ canisterId, wasm: ANALYTICS_WASM, sender: deployer });
    expect(ok(await analytics.summary({ provider }, await range('hour')))).toEqual(before.summary);
    expect((await analytics.settings()).reporters).toEqual([reporter]);

    // One minute bucket for each of the four dimensions (all, model, region, provider).
    expect((await analytics.status()).buckets).toBe(4n);
    await network.advanceTime(3 * HOUR_MS);
    await network.tick(3);
    const status = await analytics.status();
    expect(status.minutes_rolled_until).toBeGreaterThan(at);
    // The minutes are gone past their two hours; what they held is in one hour and one day bucket per dimension.
    expect(status.buckets).toBe(8n);
    expect(ok(await analytics.series({ all: null }, await range('minute', 24)))).toEqual([]);
    expect(ok(await analytics.summary({ provider }, await range('hour', 6)))).toEqual(before.summary);
    expect(ok(await analytics.flows(await range('day', 48)))).toEqual(before.flows);
  });
});

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err)}`);
  return result.Ok;
}
