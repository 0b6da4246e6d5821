import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { addToLock, minimumLock, restoreLock, snapshot, totalPower, unlockable } from '../../../canisters/governance/power';

const principal = (n: number) => Principal.fromUint8Array(new Uint8Array([n, 2]));
const [a, b, c] = [principal(1), principal(2), principal(3)];

describe('voting power', () => {
  it('adds bonded stake and the locks that outlast the vote per voter, leaving out shorter locks and zeros', () => {
    const power = snapshot(
      [
        { provider: a, bonded: 100n },
        { provider: b, bonded: 0n },
      ],
      [
        [a.toText(), { amount: 50n, unlock_at: 11n }],
        [b.toText(), { amount: 70n, unlock_at: 9n }],
        [c.toText(), { amount: 30n, unlock_at: 20n }],
      ],
      10n,
    );
    expect([...power.entries()]).toEqual([
      [a.toText(), 150n],
      [c.toText(), 30n],
    ]);
    expect(totalPower(power)).toBe(180n);
  });

  it('counts a provider read twice across stake pages once', () => {
    const power = snapshot(
      [
        { provider: a, bonded: 100n },
        { provider: a, bonded: 100n },
      ],
      [],
      0n,
    );
    expect(totalPower(power)).toBe(100n);
  });
});

describe('locks', () => {
  it('adds to a lock and restarts its period', () => {
    const first = addToLock(undefined, 10n, 100n, 50n);
    expect(first).toEqual({ amount: 10n, unlock_at: 150n });
    expect(addToLock(first, 5n, 120n, 50n)).toEqual({ amount: 15n, unlock_at: 170n });
  });

  it('puts a lock whose payout failed back beside one made meanwhile, and refuses dust', () => {
    expect(restoreLock(undefined, { amount: 10n, unlock_at: 150n })).toEqual({ amount: 10n, unlock_at: 150n });
    expect(restoreLock({ amount: 100n, unlock_at: 300n }, { amount: 10n, unlock_at: 150n })).toEqual({ amount: 110n, unlock_at: 300n });
    expect(minimumLock(100_000_000n)).toBe(10_000_000n);
  });

  it('pays out only after the unlock time', () => {
    expect(unlockable(undefined, 0n)).toEqual({ Err: { NotFound: null } });
    expect(unlockable({ amount: 10n, unlock_at: 150n }, 149n)).toEqual({ Err: { StillLocked: { unlock_at: 150n } } });
    expect(unlockable({ amount: 10n, unlock_at: 150n }, 150n)).toEqual({ Ok: 10n });
  });
});
