// Reputation in basis points, clamped to 0..10,000, with a bounded history of who changed it and why.
import type { Principal } from '@dfinity/principal';

import type { Reputation } from './types';

export const MAX_BPS = 10_000;
// A provider nobody has judged yet sits in the middle, neither trusted nor distrusted.
export const INITIAL_BPS = 5_000;
// The record is one stable value: keep it small by dropping the oldest changes.
export const HISTORY_LIMIT = 100;

export const INITIAL_REPUTATION: Reputation = { bps: INITIAL_BPS, history: [] };

export function adjust(reputation: Reputation, delta: number, by: Principal, at: bigint, reason: string): Reputation {
  const bps = Math.min(MAX_BPS, Math.max(0, reputation.bps + delta));
  const history = [...reputation.history, { at, by, delta_bps: delta, bps, reason }].slice(-HISTORY_LIMIT);
  return { bps, history };
}
