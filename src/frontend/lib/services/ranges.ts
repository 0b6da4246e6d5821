// Time ranges for analytics queries: presets a person picks, as the canister's TimeRange (ns, a resolution).
import type { TimeRange } from '../../../../canisters/analytics/queries';
import { msToNs } from '../format/time';

export type RangePreset = '1h' | '24h' | '7d' | '30d';

export const RANGE_LABELS: Record<RangePreset, string> = { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' };

const HOUR = 3_600_000;
const SPANS: Record<RangePreset, { ms: number; resolution: TimeRange['resolution'] }> = {
  '1h': { ms: HOUR, resolution: { minute: null } },
  '24h': { ms: 24 * HOUR, resolution: { hour: null } },
  '7d': { ms: 7 * 24 * HOUR, resolution: { hour: null } },
  '30d': { ms: 30 * 24 * HOUR, resolution: { day: null } },
};

/** The range ending now; minute buckets are kept 2 hours, hours 14 days, days 400 days (canisters/analytics). */
export function rangeFor(preset: RangePreset, nowMs: number = Date.now()): TimeRange {
  const span = SPANS[preset];
  return { resolution: span.resolution, from: msToNs(nowMs - span.ms), to: msToNs(nowMs) };
}
