// Stake arithmetic: bonding, unbonding with a delay, release and slashing. Amounts are base units of the ledger.
import type { Stake, Unbonding } from './types';

/** The one subaccount of this canister that holds every provider's stake; the canister keeps the per-provider split. */
export const STAKE_SUBACCOUNT: Uint8Array = new Uint8Array(32);
STAKE_SUBACCOUNT.set(new TextEncoder().encode('stake'));

export const EMPTY_STAKE: Stake = { bonded: 0n, unbonding: [], slashed: 0n };

/** Bonded plus unbonding: everything that can still be slashed. */
export function totalStake(stake: Stake): bigint {
  return stake.unbonding.reduce((sum, u) => sum + u.amount, stake.bonded);
}

export function bond(stake: Stake, amount: bigint): Stake {
  return { ...stake, bonded: stake.bonded + amount };
}

/** Moves `amount` from bonded to unbonding, released at now + delay; undefined when not that much is bonded. */
export function unbond(stake: Stake, amount: bigint, now: bigint, delay: bigint): Stake | undefined {
  if (amount <= 0n || amount > stake.bonded) return undefined;
  return { ...stake, bonded: stake.bonded - amount, unbonding: [...stake.unbonding, { amount, release_at: now + delay }] };
}

/** Splits the unbonding entries into those released at `now` (their sum) and those still waiting. */
export function release(stake: Stake, now: bigint): { amount: bigint; rest: Stake; nextReleaseAt: bigint | undefined } {
  const due = stake.unbonding.filter((u) => u.release_at <= now);
  const waiting = stake.unbonding.filter((u) => u.release_at > now);
  const nextReleaseAt = waiting.reduce<bigint | undefined>(
    (min, u) => (min === undefined || u.release_at < min ? u.release_at : min),
    undefined,
  );
  return { amount: due.reduce((sum, u) => sum + u.amount, 0n), rest: { ...stake, unbonding: waiting }, nextReleaseAt };
}

/**
 * Takes up to `amount`, bonded stake first and then the unbonding entries that would be released last, so a provider
 * cannot escape a slash by unbonding. Never takes more than the provider has.
 */
export function slash(stake: Stake, amount: bigint): { taken: bigint; rest: Stake } {
  let left = amount < 0n ? 0n : amount;
  const fromBonded = left < stake.bonded ? left : stake.bonded;
  left -= fromBonded;
  const unbonding: Unbonding[] = [...stake.unbonding].sort((a, b) =>
    a.release_at < b.release_at ? 1 : a.release_at > b.release_at ? -1 : 0,
  );
  const kept: Unbonding[] = [];
  let fromUnbonding = 0n;
  for (const entry of unbonding) {
    const take = left < entry.amount ? left : entry.amount;
    left -= take;
    fromUnbonding += take;
    if (entry.amount > take) kept.push({ ...entry, amount: entry.amount - take });
  }
  kept.sort((a, b) => (a.release_at < b.release_at ? -1 : a.release_at > b.release_at ? 1 : 0));
  const taken = fromBonded + fromUnbonding;
  return { taken, rest: { bonded: stake.bonded - fromBonded, unbonding: kept, slashed: stake.slashed + taken } };
}
