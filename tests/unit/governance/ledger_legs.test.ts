import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import {
  DEPOSITS_SUBACCOUNT,
  LOCKS_SUBACCOUNT,
  RESERVE_SUBACCOUNT,
  depositBack,
  depositBurn,
  depositIn,
  depositLegDue,
  lockIn,
  reserveOut,
  spendResendable,
  unlockOut,
} from '../../../canisters/governance/ledger_legs';
import { DEDUP_WINDOW_NS } from '../../../canisters/payment/retries';

const governance = Principal.fromUint8Array(new Uint8Array([9, 1]));
const holder = Principal.fromUint8Array(new Uint8Array([9, 2]));
const minting = { owner: Principal.fromUint8Array(new Uint8Array([9, 3])), subaccount: [] as [] };

describe('governance ledger legs', () => {
  it('keeps deposits and locks in two subaccounts of governance', () => {
    expect(DEPOSITS_SUBACCOUNT).toHaveLength(32);
    expect(Buffer.compare(DEPOSITS_SUBACCOUNT, LOCKS_SUBACCOUNT)).not.toBe(0);
    expect(depositIn(governance, holder, 4n, 100n, 7n).to).toEqual({ owner: governance, subaccount: [DEPOSITS_SUBACCOUNT] });
    expect(lockIn(governance, holder, 100n, 0n, 7n).to).toEqual({ owner: governance, subaccount: [LOCKS_SUBACCOUNT] });
  });

  it('returns a deposit less the fee and burns one whole, each with its own memo and fixed time', () => {
    const back = depositBack(holder, 4n, 100n, 10n, 7n);
    expect([back.amount, back.fee, back.from_subaccount, back.created_at_time]).toEqual([90n, [10n], [DEPOSITS_SUBACCOUNT], [7n]]);
    const burn = depositBurn(minting, 4n, 100n, 7n);
    expect([burn.amount, burn.fee, burn.to]).toEqual([100n, [], minting]);
    expect(Buffer.compare(back.memo[0]!, burn.memo[0]!)).not.toBe(0);
    // The same leg built again is the same transaction, so a retry is deduplicated by the ledger.
    expect(depositBack(holder, 4n, 100n, 10n, 7n)).toEqual(back);
  });

  it('pays an unlock from the locks subaccount less the fee', () => {
    const out = unlockOut(holder, 100n, 10n, 3n, 7n);
    expect([out.amount, out.fee, out.from_subaccount, out.to]).toEqual([90n, [10n], [LOCKS_SUBACCOUNT], { owner: holder, subaccount: [] }]);
  });
});

describe('the reserve', () => {
  it('pays a spend out of its own subaccount, less the fee, under the proposal’s memo', () => {
    const to = { owner: Principal.fromUint8Array(new Uint8Array([7])), subaccount: [] as [] };
    const leg = reserveOut(to, 1_000n, 10n, 42n, 5n);
    expect(leg).toMatchObject({ from_subaccount: [RESERVE_SUBACCOUNT], to, amount: 990n, fee: [10n], created_at_time: [5n] });
    expect(leg.memo[0]?.[0]).toBe(6);
    expect(RESERVE_SUBACCOUNT).not.toEqual(LOCKS_SUBACCOUNT);
  });
});

describe('when the timer sends a deposit leg again', () => {
  it('while the ledger deduplicates it: less than the window after the decision', () => {
    expect(depositLegDue(1_000n, 1_000n)).toBe(true);
    expect(depositLegDue(1_000n, 1_000n + DEDUP_WINDOW_NS - 1n)).toBe(true);
    expect(depositLegDue(1_000n, 1_000n + DEDUP_WINDOW_NS)).toBe(false);
  });
});

describe('when a reserve spend is sent again', () => {
  it('as the same transaction, while the ledger deduplicates it: less than the window after it was first sent', () => {
    const to = { owner: holder, subaccount: [] as [] };
    // A retry rebuilds the payment from the time and fee its first attempt fixed: the ledger sees one transaction.
    expect(reserveOut(to, 1_000n, 10n, 42n, 5n)).toEqual(reserveOut(to, 1_000n, 10n, 42n, 5n));
    expect(spendResendable(5n, 5n + DEDUP_WINDOW_NS - 1n)).toBe(true);
    expect(spendResendable(5n, 5n + DEDUP_WINDOW_NS)).toBe(false);
  });
});
