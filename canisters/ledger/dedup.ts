// Transaction deduplication as ICRC-1 describes it: a transaction that sets created_at_time is refused
// when too old or too far in the future, and answered with the earlier index when a structurally equal
// one (same caller, same arguments) was accepted within the window.
import type { Principal } from '@dfinity/principal';

import { hex } from '../shared/hex';
import type { LedgerState } from './state';
import type { Opt } from './types';

export const TX_WINDOW = 24n * 60n * 60n * 1_000_000_000n;
export const PERMITTED_DRIFT = 2n * 60n * 1_000_000_000n;
// Forgetting is spread over messages so that no single one pays for a backlog.
const FORGET_PER_MESSAGE = 100;

export type DedupError = { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } };

/** The identity of a call for deduplication: the operation, the caller and every argument field. */
export function dedupKey(operation: string, caller: Principal, args: Record<string, unknown>): string {
  return JSON.stringify([operation, hex(caller.toUint8Array()), canonical(args)]);
}

/** Checks created_at_time and looks for an earlier equal transaction; undefined when the call may go on. */
export function checkDedup(state: LedgerState, key: string, createdAtTime: Opt<bigint>, now: bigint): DedupError | undefined {
  if (createdAtTime.length === 0) return undefined;
  const createdAt = createdAtTime[0];
  if (createdAt + TX_WINDOW + PERMITTED_DRIFT < now) return { TooOld: null };
  if (createdAt > now + PERMITTED_DRIFT) return { CreatedInFuture: { ledger_time: now } };
  const earlier = state.dedup.get(key);
  return earlier === undefined ? undefined : { Duplicate: { duplicate_of: earlier } };
}

/** Remembers an accepted transaction's key, when it set created_at_time. */
export function remember(state: LedgerState, key: string, createdAtTime: Opt<bigint>, index: bigint): void {
  if (createdAtTime.length === 0) return;
  state.dedup.insert(key, index);
  state.dedupByIndex.insert(index, key);
}

/**
 * Forgets the keys of transactions logged so long ago that an equal call would be TooOld anyway: one
 * logged at t had created_at_time <= t + drift, which is out of the window once t + 2 drift + window < now.
 * 'forgetFrom' remembers when the oldest remembered transaction expires, so most messages read one counter.
 */
export function forgetExpired(state: LedgerState, now: bigint): void {
  if (now <= (state.counters.get('forgetFrom') ?? 0n)) return;
  let cursor = state.counters.get('dedupCursor') ?? 0n;
  const end = BigInt(state.log.len());
  // With everything forgotten, the next transaction is logged at now or later and expires no sooner than this.
  let forgetFrom = expiryOf(now);
  for (let n = 0; cursor < end; n++, cursor++) {
    if (n === FORGET_PER_MESSAGE) {
      forgetFrom = now - 1n;
      break;
    }
    const expiry = expiryOf(state.log.get(cursor)!.timestamp);
    if (expiry >= now) {
      forgetFrom = expiry;
      break;
    }
    const key = state.dedupByIndex.get(cursor);
    if (key !== undefined) {
      state.dedup.remove(key);
      state.dedupByIndex.remove(cursor);
    }
  }
  state.counters.insert('dedupCursor', cursor);
  state.counters.insert('forgetFrom', forgetFrom);
}

function expiryOf(loggedAt: bigint): bigint {
  return loggedAt + TX_WINDOW + 2n * PERMITTED_DRIFT;
}

// A JSON-able form in which equal candid values are equal strings (principals and blobs as hex).
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    if ('_isPrincipal' in value) return hex((value as Principal).toUint8Array());
    return Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
  }
  return value;
}
