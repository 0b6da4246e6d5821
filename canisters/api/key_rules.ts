// Who may create a key. Principals cost nothing to make, so a key needs something that cost its creator: an ICRC-2
// allowance to the payment canister (an approve paid a ledger fee, and a key spends nothing without it), and all
// keys together are capped, so the canister's memory is bounded whoever calls. Pure.
import type { Principal } from '@dfinity/principal';

import type { KeyError } from './types';

/**
 * Live keys in all. Revoked ones do not count, so nobody fills the cap by making and revoking keys. A stored key
 * is at most about 3 KiB (16 model ids of 128 bytes, 16 holds, its name and hash), so even the record bound below
 * (revoked records kept too) is well under 1 GiB of the canister's stable memory.
 */
export const MAX_LIVE_KEYS_TOTAL = 100_000;
/** Key records kept in all, revoked ones included: at this bound the oldest revoked record gives way (keys.ts). */
export const MAX_KEY_RECORDS_TOTAL = 2 * MAX_LIVE_KEYS_TOTAL;

/** Why `caller` may not create a key before the ledger is asked, or undefined. */
export function creatorProblem(caller: Principal, liveKeys: number): KeyError | undefined {
  if (caller.isAnonymous()) return { NotAllowed: 'anonymous callers cannot own keys: sign in' };
  if (liveKeys >= MAX_LIVE_KEYS_TOTAL)
    return { LimitReached: `the API holds its ${MAX_LIVE_KEYS_TOTAL} live keys: none can be created now` };
  return undefined;
}

/** Why the creator's allowance to payment does not admit a key, or undefined: at least 1 base unit, not expired. */
export function allowanceProblem(
  allowance: { allowance: bigint; expires_at: [] | [bigint] },
  payment: Principal,
  now: bigint,
): KeyError | undefined {
  const expired = allowance.expires_at.length === 1 && allowance.expires_at[0] <= now;
  if (allowance.allowance >= 1n && !expired) return undefined;
  return {
    NotAllowed: `a key spends from your ICRC-2 allowance to the payment canister ${payment.toText()}: approve it (icrc2_approve) first`,
  };
}
