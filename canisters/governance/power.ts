// Voting power: bonded stake in the identity canister (providers) plus tokens locked in governance (any holder),
// fixed per proposal when it is created, and the rules of the locks themselves. Pure: no 'azle' import.
import type { Lock, Result } from './types';

export type StakeEntry = { provider: { toText(): string }; bonded: bigint };

/**
 * Each voter's power at one moment, by principal text: bonded stake plus tokens locked and not yet unlockable.
 * Locks past their unlock time can leave at any moment, so they no longer count.
 */
export function snapshot(stakes: StakeEntry[], locks: [string, Lock][], now: bigint): Map<string, bigint> {
  const power = new Map<string, bigint>();
  const add = (voter: string, amount: bigint) => amount > 0n && power.set(voter, (power.get(voter) ?? 0n) + amount);
  for (const { provider, bonded } of stakes) add(provider.toText(), bonded);
  for (const [voter, lock] of locks) if (lock.unlock_at > now) add(voter, lock.amount);
  return power;
}

export const totalPower = (power: Map<string, bigint>): bigint => [...power.values()].reduce((sum, p) => sum + p, 0n);

/** A lock after `amount` more is locked now: all of it stays locked for a full period from now. */
export function addToLock(lock: Lock | undefined, amount: bigint, now: bigint, periodNs: bigint): Lock {
  return { amount: (lock?.amount ?? 0n) + amount, unlock_at: now + periodNs };
}

/** The amount that may be withdrawn now, or why not. */
export function unlockable(lock: Lock | undefined, now: bigint): Result<bigint> {
  if (lock === undefined || lock.amount === 0n) return { Err: { NotFound: null } };
  if (now < lock.unlock_at) return { Err: { StillLocked: { unlock_at: lock.unlock_at } } };
  return { Ok: lock.amount };
}
