import { describe, expect, it } from 'vitest';

import { Owed } from '../../../canisters/payment/owed';
import { account, ok } from './fixtures';

const fee = 10n;

describe('owed balances and withdrawals', () => {
  it('accumulates credits per account, a null and an all-zero subaccount being one account', () => {
    const owed = new Owed(new Map());
    const provider = account();
    owed.credit(provider, 100n);
    owed.credit({ owner: provider.owner, subaccount: [new Uint8Array(32)] }, 50n);
    owed.credit(provider, 0n);
    expect(owed.owed(provider)).toBe(150n);
    expect(owed.owed(account())).toBe(0n);
    expect(() => owed.credit(provider, -1n)).toThrow(RangeError);
  });

  it('debits before the transfer, so two withdrawals in flight cannot pay more than is owed', () => {
    const owed = new Owed(new Map());
    const provider = account();
    owed.credit(provider, 100n);
    const first = ok(owed.beginWithdrawal(provider, provider, 70n, fee));
    expect(first).toEqual({ from: provider, to: provider, amount: 70n, fee });
    expect(owed.beginWithdrawal(provider, provider, 70n, fee)).toEqual({ Err: { InsufficientOwed: { owed: 30n } } });
    expect(owed.owed(provider)).toBe(30n);
  });

  it('re-credits exactly what a failed transfer debited', () => {
    const owed = new Owed(new Map());
    const [provider, wallet] = [account(), account()];
    owed.credit(provider, 1_234n);
    const pending = ok(owed.beginWithdrawal(provider, wallet, 1_234n, fee));
    expect(owed.owed(provider)).toBe(0n);
    owed.credit(provider, 6n); // a settlement lands while the transfer is awaited
    owed.withdrawalFailed(pending);
    expect(owed.owed(provider)).toBe(1_240n);
    expect(owed.owed(wallet)).toBe(0n);
  });

  it('refuses a withdrawal that cannot pay its fee, and changes nothing', () => {
    const owed = new Owed(new Map());
    const provider = account();
    owed.credit(provider, 100n);
    expect(owed.beginWithdrawal(provider, provider, fee, fee)).toEqual({ Err: { BelowMinimum: { minimum: 11n } } });
    expect(owed.owed(provider)).toBe(100n);
    ok(owed.beginWithdrawal(provider, provider, 11n, fee));
  });

  it('forgets an account whose balance is withdrawn to zero', () => {
    const map = new Map<string, bigint>();
    const owed = new Owed(map);
    const provider = account();
    owed.credit(provider, 100n);
    ok(owed.beginWithdrawal(provider, provider, 100n, fee));
    expect(map.size).toBe(0);
  });
});
