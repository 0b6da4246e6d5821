// Stake arithmetic: unbonding, release timing and slashing that never takes more than there is.
import { describe, expect, it } from 'vitest';

import { EMPTY_STAKE, bond, release, slash, totalStake, unbond } from '../../../canisters/identity/stake';
import type { Stake } from '../../../canisters/identity/types';

describe('stake arithmetic', () => {
  it('bonds, unbonds with a delay and releases only what is due', () => {
    const bonded = bond(bond(EMPTY_STAKE, 700n), 300n);
    expect(bonded.bonded).toBe(1_000n);
    const first = unbond(bonded, 400n, 10n, 100n)!;
    const second = unbond(first, 100n, 50n, 100n)!;
    expect(second).toEqual({
      bonded: 500n,
      unbonding: [
        { amount: 400n, release_at: 110n },
        { amount: 100n, release_at: 150n },
      ],
      slashed: 0n,
    });
    expect(totalStake(second)).toBe(1_000n);

    expect(release(second, 109n)).toMatchObject({ amount: 0n, nextReleaseAt: 110n });
    const due = release(second, 110n);
    expect(due.amount).toBe(400n);
    expect(due.rest.unbonding).toEqual([{ amount: 100n, release_at: 150n }]);
    expect(due.nextReleaseAt).toBe(150n);
    expect(release(second, 1_000n)).toMatchObject({ amount: 500n, nextReleaseAt: undefined });
  });

  it('refuses to unbond nothing, a negative amount or more than is bonded', () => {
    const stake = bond(EMPTY_STAKE, 10n);
    expect(unbond(stake, 0n, 0n, 1n)).toBeUndefined();
    expect(unbond(stake, -1n, 0n, 1n)).toBeUndefined();
    expect(unbond(stake, 11n, 0n, 1n)).toBeUndefined();
    expect(unbond(stake, 10n, 0n, 1n)?.bonded).toBe(0n);
  });

  it('slashes bonded stake first, then the unbonding entries released last', () => {
    const stake: Stake = {
      bonded: 100n,
      unbonding: [
        { amount: 50n, release_at: 10n },
        { amount: 30n, release_at: 20n },
      ],
      slashed: 0n,
    };
    // 20 of the 120 come from the entry released last.
    expect(slash(stake, 60n)).toEqual({ taken: 60n, rest: { ...stake, bonded: 40n, slashed: 60n } });
    expect(slash(stake, 120n)).toEqual({
      taken: 120n,
      rest: {
        bonded: 0n,
        unbonding: [
          { amount: 50n, release_at: 10n },
          { amount: 10n, release_at: 20n },
        ],
        slashed: 120n,
      },
    });
  });

  it('never takes more than the stake, whatever is asked', () => {
    for (const asked of [0n, 1n, 179n, 180n, 181n, 10n ** 30n, -5n]) {
      const stake: Stake = {
        bonded: 100n,
        unbonding: [
          { amount: 50n, release_at: 10n },
          { amount: 30n, release_at: 20n },
        ],
        slashed: 7n,
      };
      const { taken, rest } = slash(stake, asked);
      expect(taken).toBe(asked < 0n ? 0n : asked > 180n ? 180n : asked);
      // Nothing is created or lost: what is taken plus what is left is what there was.
      expect(taken + totalStake(rest)).toBe(180n);
      expect(rest.slashed).toBe(7n + taken);
      expect(rest.bonded >= 0n && rest.unbonding.every((u) => u.amount > 0n)).toBe(true);
    }
  });
});
