// When a pending ledger leg is sent again. A timer sends every pending leg each RETRY_INTERVAL_S, unchanged (same
// created_at_time and memo), so a leg that did land comes back Duplicate and is never paid twice. That holds only
// inside the ledger's deduplication window (ICRC-1: 24 hours, plus the permitted drift): past it the ledger refuses
// the leg as TooOld, so the timer stops sending it and it stays listed by pending_transfers (README: past the window).
// Pure: no 'azle' import.
import type { TransferArgs } from '../ledger/types';

/** How often the timer sends the pending legs: 1,440 tries inside the window. */
export const RETRY_INTERVAL_S = 60;
/** ICRC-1's transaction window: an older created_at_time is refused as TooOld, and never deduplicated. */
export const DEDUP_WINDOW_NS = 24n * 60n * 60n * 1_000_000_000n;

/** True while the ledger still deduplicates `leg` (its created_at_time is inside the window at `now`). */
export function insideDedupWindow(leg: TransferArgs, now: bigint): boolean {
  const createdAt = leg.created_at_time[0];
  return createdAt !== undefined && now - createdAt < DEDUP_WINDOW_NS;
}
