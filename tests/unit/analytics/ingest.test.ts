import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { Accounts } from '../../../canisters/analytics/accounts';
import { Buckets, SIZE_NS } from '../../../canisters/analytics/buckets';
import type { Event, JobReport, JobStage } from '../../../canisters/analytics/events';
import { ingest, type JobInfo } from '../../../canisters/analytics/ingest';
import { flows, leaderboard, series, summary, type TimeRange } from '../../../canisters/analytics/queries';

const p = (n: number) => Principal.fromUint8Array(new Uint8Array([n, 7, 7]));
const [consumer, alice, bob, creator, treasury] = [p(1), p(2), p(3), p(4), p(5)];
const T0 = 20_000n * SIZE_NS.day;
const MINUTE = SIZE_NS.minute;
const DAY_RANGE: TimeRange = { resolution: { hour: null }, from: T0, to: T0 + SIZE_NS.day };

function analytics() {
  const jobs = new Map<bigint, JobInfo>();
  const sinks = {
    buckets: new Buckets({ put: () => undefined, remove: () => undefined }, [], { minute: 0n, hour: 0n }),
    accounts: new Accounts({ put: () => undefined }, []),
    jobs: {
      get: (id: bigint) => jobs.get(id),
      put: (id: bigint, info: JobInfo) => void jobs.set(id, info),
      remove: (id: bigint) => void jobs.delete(id),
    },
  };
  return { sinks, jobs, send: (event: Event) => ingest(event, sinks) };
}

function jobEvent(id: bigint, stage: string, providers: Principal[], extra: Partial<JobReport> = {}): Event {
  return {
    job: {
      job_id: id,
      stage: { [stage]: null } as JobStage,
      model: 9n,
      consumer,
      providers,
      region: providers.length > 0 ? ['eu-west'] : [],
      price: 1_000_000n,
      latency_ms: [],
      at: T0 + id * MINUTE,
      ...extra,
    },
  };
}

/** A job through its stages as the marketplace reports them, and its escrow closing as payment reports it. */
function runJob(send: (e: Event) => void, id: bigint, provider: Principal, outcome: 'settled' | 'refunded', latency = 100n) {
  send(jobEvent(id, 'submitted', []));
  send(jobEvent(id, 'matched', [provider]));
  send(jobEvent(id, 'dispatched', [provider]));
  if (outcome === 'settled') {
    send(jobEvent(id, 'completed', [provider], { latency_ms: [latency] }));
    send({ run: { job_id: id, node: p(99), provider, tokens: 64n, run_ms: latency / 2n, at: T0 + id * MINUTE } });
    const credits = [
      { owner: provider, role: { provider: null }, amount: 792_000n },
      { owner: creator, role: { creator: null }, amount: 49_500n },
      { owner: treasury, role: { treasury: null }, amount: 148_500n },
    ];
    send({ payment: { job_id: id, consumer, escrow: 1_000_000n, refund: 0n, ledger_fees: 10_000n, credits, at: T0 + id * MINUTE } });
  } else {
    send(jobEvent(id, 'failed', [provider]));
    send({
      payment: { job_id: id, consumer, escrow: 1_000_000n, refund: 990_000n, ledger_fees: 10_000n, credits: [], at: T0 + id * MINUTE },
    });
  }
  send(jobEvent(id, outcome, [provider]));
}

const ok = <T>(r: { Ok: T } | { Err: unknown }): T => {
  if (!('Ok' in r)) throw new Error(JSON.stringify(r.Err));
  return r.Ok;
};

describe('event intake and dashboard queries', () => {
  it('counts each stage, success rate, latency, tokens and money per model, provider and region', () => {
    const { sinks, jobs, send } = analytics();
    runJob(send, 1n, alice, 'settled', 100n);
    runJob(send, 2n, alice, 'settled', 300n);
    runJob(send, 3n, bob, 'refunded');
    runJob(send, 4n, bob, 'settled', 2_000n);
    send(jobEvent(5n, 'submitted', []));
    send(jobEvent(5n, 'rejected', []));

    const all = ok(summary(sinks.buckets, { all: null }, DAY_RANGE));
    expect(all).toMatchObject({ submitted: 5n, matched: 4n, rejected: 1n, completed: 3n, failed: 1n, settled: 3n, refunded: 1n });
    expect(all.success_rate_bps).toEqual([7_500]);
    expect(all.p50_latency_ms).toEqual([400n]); // 300 ms lies in the 300..400 bin
    expect(all.p95_latency_ms).toEqual([2_500n]);
    expect(all.mean_latency_ms).toEqual([800n]);
    expect(all).toMatchObject({ runs: 3n, tokens: 192n, volume: 4_000_000n, refunds: 990_000n, ledger_fees: 40_000n });
    expect(all).toMatchObject({ provider_earnings: 3n * 792_000n, creator_earnings: 3n * 49_500n, treasury_fees: 3n * 148_500n });

    const ofBob = ok(summary(sinks.buckets, { provider: bob }, DAY_RANGE));
    expect(ofBob).toMatchObject({ submitted: 0n, matched: 2n, completed: 1n, failed: 1n, provider_earnings: 792_000n, tokens: 64n });
    expect(ofBob.success_rate_bps).toEqual([5_000]);
    expect(ok(summary(sinks.buckets, { region: 'eu-west' }, DAY_RANGE))).toMatchObject({ matched: 4n, volume: 4_000_000n });
    expect(ok(summary(sinks.buckets, { model: 9n }, DAY_RANGE))).toMatchObject({ submitted: 5n, volume: 4_000_000n });
    // Ended jobs are forgotten.
    expect(jobs.size).toBe(0);
  });

  it('ranks providers by a metric, pages them, and ranks latency lowest first', () => {
    const { sinks, send } = analytics();
    runJob(send, 1n, alice, 'settled', 100n);
    runJob(send, 2n, bob, 'settled', 900n);
    runJob(send, 3n, bob, 'settled', 900n);
    const board = (metric: object, offset = 0, limit = 10) =>
      ok(leaderboard(sinks.buckets, { kind: { provider: null }, metric: metric as never, range: DAY_RANGE, offset, limit }));
    expect(board({ provider_earnings: null }).entries.map((e) => e.dimension)).toEqual([{ provider: bob }, { provider: alice }]);
    expect(board({ p95_latency: null }).entries.map((e) => e.dimension)).toEqual([{ provider: alice }, { provider: bob }]);
    const second = board({ matched: null }, 1, 1);
    expect(second).toEqual({ total: 2n, entries: [expect.objectContaining({ dimension: { provider: alice } })] });
    expect(
      'Err' in leaderboard(sinks.buckets, { kind: { model: null }, metric: { tokens: null }, range: DAY_RANGE, offset: 0, limit: 101 }),
    ).toBe(true);
    expect(
      ok(leaderboard(sinks.buckets, { kind: { region: null }, metric: { volume: null }, range: DAY_RANGE, offset: 0, limit: 5 })).entries,
    ).toEqual([expect.objectContaining({ dimension: { region: 'eu-west' } })]);
  });

  it('adds up token flows by role and per account, slashes included', () => {
    const { sinks, send } = analytics();
    runJob(send, 1n, alice, 'settled');
    runJob(send, 2n, bob, 'refunded');
    send({ slash: { job_id: 3n, provider: bob, node: p(98), amount: 10_000_000n, at: T0 + 3n * MINUTE } });
    const f = ok(flows(sinks.buckets, DAY_RANGE));
    expect(f).toEqual({
      from_consumers: 2_000_000n,
      to_providers: 792_000n,
      to_creators: 49_500n,
      to_treasury: 148_500n,
      to_ledger_fees: 20_000n,
      refunded_to_consumers: 990_000n,
      slashed_from_providers: 10_000_000n,
    });
    // Every unit a consumer paid is accounted for: refunded, credited or paid to the ledger.
    expect(f.from_consumers).toBe(f.to_providers + f.to_creators + f.to_treasury + f.to_ledger_fees + f.refunded_to_consumers);
    expect(sinks.accounts.get(consumer)).toMatchObject({ spent: 2_000_000n, refunded: 990_000n });
    expect(sinks.accounts.get(bob)).toMatchObject({ provider_earnings: 0n, slashed: 10_000_000n });
    expect(sinks.accounts.top('provider_earnings', 0, 10).accounts.map((a) => a.owner)).toEqual([alice]);
    expect(ok(summary(sinks.buckets, { provider: bob }, DAY_RANGE))).toMatchObject({ slashes: 1n, slashed: 10_000_000n });
  });

  it('gives a chart series of the buckets that hold anything, and refuses ranges too long or inverted', () => {
    const { sinks, send } = analytics();
    runJob(send, 1n, alice, 'settled');
    runJob(send, 61n, alice, 'settled');
    const points = ok(series(sinks.buckets, { all: null }, DAY_RANGE));
    expect(points.map((point) => [point.start, point.summary.completed])).toEqual([
      [T0, 1n],
      [T0 + SIZE_NS.hour, 1n],
    ]);
    expect('Err' in series(sinks.buckets, { all: null }, { resolution: { minute: null }, from: T0, to: T0 + 2n * SIZE_NS.day })).toBe(true);
    expect('Err' in series(sinks.buckets, { all: null }, { ...DAY_RANGE, from: DAY_RANGE.to })).toBe(true);
  });

  it('counts an event about a job it never heard of in the total and its provider only', () => {
    const { sinks, send } = analytics();
    send({ run: { job_id: 42n, node: p(97), provider: alice, tokens: 10n, run_ms: 5n, at: T0 } });
    expect(ok(summary(sinks.buckets, { all: null }, DAY_RANGE)).tokens).toBe(10n);
    expect(ok(summary(sinks.buckets, { provider: alice }, DAY_RANGE)).tokens).toBe(10n);
    expect(ok(summary(sinks.buckets, { model: 9n }, DAY_RANGE)).tokens).toBe(0n);
  });
});
