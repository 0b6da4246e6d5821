// The analytics commands: the marketplace's figures over the last hours, and the providers ranked by earnings.
import type { Summary } from '../../canisters/analytics/stats';
import type { TimeRange } from '../../canisters/analytics/queries';
import { formatAmount } from './amounts';
import { ok } from './commands';
import type { Connection } from './connect';

const HOUR_NS = 3_600_000_000_000n;

function lastHours(hours: number): TimeRange {
  if (!Number.isInteger(hours) || hours < 1) throw new Error('hours: a whole number, at least 1');
  const to = BigInt(Date.now()) * 1_000_000n;
  return { resolution: { hour: null }, from: to - BigInt(hours) * HOUR_NS, to };
}

function describe(s: Summary, decimals: number, symbol: string): string {
  const amount = (units: bigint) => `${formatAmount(units, decimals)} ${symbol}`;
  const rate = s.success_rate_bps[0] === undefined ? '-' : `${s.success_rate_bps[0] / 100}%`;
  const latency = s.p50_latency_ms[0] === undefined ? '-' : `p50 ${s.p50_latency_ms[0]} ms, p95 ${s.p95_latency_ms[0]} ms`;
  return [
    `jobs: ${s.submitted} submitted, ${s.matched} matched, ${s.completed} completed, ${s.failed} failed, ${s.rejected} rejected (success ${rate})`,
    `latency: ${latency}; runs ${s.runs}, tokens ${s.tokens}`,
    `volume ${amount(s.volume)}: providers ${amount(s.provider_earnings)}, creators ${amount(s.creator_earnings)}, treasury ${amount(s.treasury_fees)}, ledger fees ${amount(s.ledger_fees)}, refunds ${amount(s.refunds)}`,
    `slashed: ${amount(s.slashed)} in ${s.slashes} slash(es)`,
  ].join('\n');
}

export async function summary(c: Connection, hours: number): Promise<void> {
  const [decimals, symbol] = await Promise.all([c.ledger.icrc1_decimals(), c.ledger.icrc1_symbol()]);
  console.log(describe(ok('summary', await c.analytics.summary({ all: null }, lastHours(hours))), decimals, symbol));
}

export async function leaderboard(c: Connection, hours: number): Promise<void> {
  const [decimals, symbol] = await Promise.all([c.ledger.icrc1_decimals(), c.ledger.icrc1_symbol()]);
  const board = ok(
    'leaderboard',
    await c.analytics.leaderboard({
      kind: { provider: null },
      metric: { provider_earnings: null },
      range: lastHours(hours),
      offset: 0,
      limit: 20,
    }),
  );
  for (const [i, { dimension, summary: s }] of board.entries.entries()) {
    const who = 'provider' in dimension ? dimension.provider.toText() : JSON.stringify(dimension);
    const rate = s.success_rate_bps[0] === undefined ? '-' : `${s.success_rate_bps[0] / 100}%`;
    console.log(`${i + 1}. ${who}: ${formatAmount(s.provider_earnings, decimals)} ${symbol}, ${s.completed} completed, success ${rate}`);
  }
  if (board.entries.length === 0) console.log('no provider activity in this range');
}
