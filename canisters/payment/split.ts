// Settlement arithmetic. Every leg that leaves an escrow subaccount is one ledger transfer and pays one ledger
// fee, taken from that leg: a settlement's sweep fee comes off the escrow before the split (refunds.ts does
// the same for the refund leg). A share that could not pay its own withdrawal fee (share <= fee) is dust and
// goes to the treasury, so no payout is ever zero or negative. Division remainders also go to the treasury, so
// for every settlement the credits plus the sweep fee equal the escrow exactly.
import { sameAccount } from '../ledger/accounts';
import type { Account } from '../ledger/types';
import { BPS_WHOLE } from './config';
import type { Result, Role, Split } from './types';

export type Credit = { account: Account; role: Role; amount: bigint };

// sweep: what leaves the escrow subaccount for the pool (the pool receives sweep - fee).
export type Settlement = { sweep: bigint; fee: bigint; credits: Credit[] };

export type Payees = { providers: Account[]; creator: Account; treasury: Account };

/**
 * The split of one job: its model's creator gets the royalty the model asks, up to the split's creator share,
 * and whatever the model leaves unclaimed goes to the providers. The treasury's share never changes.
 */
export function withRoyalty(split: Split, royaltyBps: number): Split {
  const creator = Math.min(split.creator_bps, royaltyBps);
  return { ...split, provider_bps: split.provider_bps + split.creator_bps - creator, creator_bps: creator };
}

export function share(amount: bigint, bps: number): bigint {
  return (amount * BigInt(bps)) / BigInt(BPS_WHOLE);
}

/**
 * Splits an escrow among the agreeing providers (equal parts of the provider share), the model's creator and
 * the treasury. FeeTooHigh when the escrow cannot pay the sweep fee and still move a unit.
 */
export function settle(amount: bigint, fee: bigint, split: Split, payees: Payees): Result<Settlement> {
  if (payees.providers.length === 0) return { Err: { InvalidInput: 'providers: at least one' } };
  if (fee < 0n || amount <= fee) return { Err: { FeeTooHigh: { fee, amount } } };
  const distributable = amount - fee;
  const each = share(distributable, split.provider_bps) / BigInt(payees.providers.length);
  const shares: Credit[] = [
    ...payees.providers.map((account) => ({ account, role: { provider: null }, amount: each })),
    { account: payees.creator, role: { creator: null }, amount: share(distributable, split.creator_bps) },
  ];
  const paid = shares.filter((credit) => credit.amount > fee);
  const treasury = distributable - paid.reduce((sum, credit) => sum + credit.amount, 0n);
  const credits = treasury > 0n ? [...paid, { account: payees.treasury, role: { treasury: null }, amount: treasury }] : paid;
  return { Ok: { sweep: amount, fee, credits: merge(credits) } };
}

// One provider agreeing through two nodes, or a creator serving their own model, gets one credit per role.
function merge(credits: Credit[]): Credit[] {
  const merged: Credit[] = [];
  for (const credit of credits) {
    const same = merged.find((other) => sameAccount(other.account, credit.account) && roleName(other.role) === roleName(credit.role));
    if (same) same.amount += credit.amount;
    else merged.push({ ...credit });
  }
  return merged;
}

function roleName(role: Role): string {
  return Object.keys(role)[0];
}
