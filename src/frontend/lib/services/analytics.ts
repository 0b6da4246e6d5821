// Dashboard figures: series over a range for the charts, the whole range's summary and flows, and the leaderboard.
import type { Flows, Leaderboard, Metric, Point } from '../../../../canisters/analytics/queries';
import type { Summary } from '../../../../canisters/analytics/stats';
import type { Actors } from '../api/actors';
import * as analyticsApi from '../api/analytics';
import type { Token } from '../format/amount';
import { nsToMs } from '../format/time';
import { attempt, fromResult, success, type Outcome } from './outcome';
import { rangeFor, type RangePreset } from './ranges';

export type Dashboard = { points: Point[]; summary: Summary; flows: Flows; leaderboard: Leaderboard };

export async function loadDashboard(a: Actors, preset: RangePreset, metric: Metric, host?: string, nowMs = Date.now()): Promise<Outcome<Dashboard>> {
  return attempt(async () => {
    const range = rangeFor(preset, nowMs);
    const [points, summary, flows, leaderboard] = await Promise.all([
      analyticsApi.series(a, { all: null }, range),
      analyticsApi.summary(a, { all: null }, range),
      analyticsApi.flows(a, range),
      analyticsApi.leaderboard(a, { kind: { provider: null }, metric, range, offset: 0, limit: 20 }),
    ]);
    for (const reply of [points, summary, flows, leaderboard]) if ('Err' in reply) return fromResult('analytics', reply);
    if ('Err' in points || 'Err' in summary || 'Err' in flows || 'Err' in leaderboard) throw new Error('unreachable');
    return success({ points: points.Ok, summary: summary.Ok, flows: flows.Ok, leaderboard: leaderboard.Ok });
  }, host);
}

export type Chart = { title: string; unit: string; lines: { label: string; values: (number | null)[] }[] };

/**
 * The charts' data from a series. Token amounts become numbers of tokens here, for drawing only (a chart has no
 * use for the last base unit); the tables show the exact amounts.
 */
export function chartsOf(points: Point[], token: Token): { labels: number[]; charts: Chart[] } {
  const tokens = (units: bigint) => Number(units) / 10 ** token.decimals;
  const s = points.map((p) => p.summary);
  const opt = (v: [] | [bigint] | [number]) => (v.length === 1 ? Number(v[0]) : null);
  return {
    labels: points.map((p) => nsToMs(p.start)),
    charts: [
      {
        title: 'Jobs',
        unit: 'jobs',
        lines: [
          { label: 'submitted', values: s.map((x) => Number(x.submitted)) },
          { label: 'completed', values: s.map((x) => Number(x.completed)) },
          { label: 'failed', values: s.map((x) => Number(x.failed)) },
          { label: 'rejected', values: s.map((x) => Number(x.rejected)) },
        ],
      },
      { title: 'Success rate', unit: '%', lines: [{ label: 'success', values: s.map((x) => (x.success_rate_bps.length === 1 ? x.success_rate_bps[0] / 100 : null)) }] },
      {
        title: 'Latency',
        unit: 'ms',
        lines: [
          { label: 'p50', values: s.map((x) => opt(x.p50_latency_ms)) },
          { label: 'p95', values: s.map((x) => opt(x.p95_latency_ms)) },
        ],
      },
      { title: 'Volume', unit: token.symbol, lines: [{ label: 'paid by consumers', values: s.map((x) => tokens(x.volume)) }] },
      {
        title: 'Fees',
        unit: token.symbol,
        lines: [
          { label: 'treasury', values: s.map((x) => tokens(x.treasury_fees)) },
          { label: 'ledger', values: s.map((x) => tokens(x.ledger_fees)) },
        ],
      },
      { title: 'Refunds', unit: token.symbol, lines: [{ label: 'refunded', values: s.map((x) => tokens(x.refunds)) }] },
      { title: 'Slashes', unit: token.symbol, lines: [{ label: 'slashed', values: s.map((x) => tokens(x.slashed)) }] },
    ],
  };
}

export const METRICS: Record<string, string> = {
  provider_earnings: 'earnings',
  completed: 'completed jobs',
  volume: 'volume',
  success_rate: 'success rate',
  p95_latency: 'p95 latency',
  tokens: 'tokens',
  matched: 'matched jobs',
};
