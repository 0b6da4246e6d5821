// Times: the canisters count nanoseconds since the epoch (bigint); people read durations, dates and "5 minutes ago".

export const NS_PER_MS = 1_000_000n;

export const nsToMs = (ns: bigint): number => Number(ns / NS_PER_MS);
export const msToNs = (ms: number): bigint => BigInt(Math.floor(ms)) * NS_PER_MS;

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
];

/**
 * A duration in milliseconds, in its two largest units: "850 ms", "12 s", "3 min 20 s", "2 h 5 min", "3 d 4 h".
 * Negative durations are shown as zero.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1_000) return `${total} ms`;
  const parts: string[] = [];
  let rest = total;
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((p) => !p.startsWith('0 ')).join(' ') || '0 s';
}

/** A duration given in nanoseconds (as the canisters' settings are). */
export const formatDurationNs = (ns: bigint): string => formatDuration(nsToMs(ns));

const AGO: [string, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "just now", "5 minutes ago", "in 3 hours", for a time in nanoseconds against `nowMs`. */
export function timeAgo(ns: bigint, nowMs: number = Date.now()): string {
  const diff = nowMs - nsToMs(ns);
  const size = Math.abs(diff);
  if (size < 10_000) return 'just now';
  for (const [unit, ms] of AGO) {
    if (size >= ms) {
      const n = Math.floor(size / ms);
      const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  return 'just now';
}

/** What is left until a time in nanoseconds: "2 h 5 min left", or "ended" once it has passed. */
export function countdown(untilNs: bigint, nowMs: number = Date.now()): string {
  const left = nsToMs(untilNs) - nowMs;
  return left <= 0 ? 'ended' : `${formatDuration(left)} left`;
}

/** A date and time in the reader's locale, from nanoseconds. */
export function formatDateTime(ns: bigint): string {
  return new Date(nsToMs(ns)).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** An ISO 8601 time (UTC), for exports. */
export const isoTime = (ns: bigint): string => new Date(nsToMs(ns)).toISOString();
