// Voting power: bonded stake in the identity canister (providers) plus tokens locked in governance (any holder),
// fixed per proposal when it is created, and the rules of the locks themselves. Pure: no 'azle' import.
import type { Lock, Result } from './types';

export type StakeEntry = { provider: { toText(): string }; bonded: bigint };

/**
 * Each voter's power for a vote ending at `votingEndsAt`, by principal text: bonded stake plus tokens locked at
 * least until the vote ends (a lock that could leave mid-vote does not count). Stakes are read in pages across
 * awaits, so a provider seen twice counts once.
 */
export function snapshot(stakes: StakeEntry[], locks: [string, Lock][], votingEndsAt: bigint): Map<string, bigint> {
  const bonded = new Map(stakes.map(({ provider, bonded }) => [provider.toText(), bonded]));
  const power = new Map<string, bigint>();
  const add = (voter: string, amount: bigint) => amount > 0n && power.set(voter, (power.get(voter) ?? 0n) + amount);
  for (const [provider, amount] of bonded) add(provider, amount);
  for (const [voter, lock] of locks) if (lock.unlock_at >= votingEndsAt) add(voter, lock.amount);
  return power;
}

/**
 * The smallest lock: a tenth of the proposal deposit, so that the locks every proposal snapshots (one ballot per
 * voter, written in one message) cannot be multiplied cheaply by dust locks from throwaway principals.
 */
export const minimumLock = (proposalDeposit: bigint): bigint => proposalDeposit / 10n;

/** A lock after a failed payout puts `restored` back beside whatever was locked meanwhile. */
export function restoreLock(current: Lock | undefined, restored: Lock): Lock {
  if (current === undefined) return restored;
  return {
    amount: current.amount + restored.amount,
    unlock_at: current.unlock_at > restored.unlock_at ? current.unlock_at : restored.unlock_at,
  };
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
