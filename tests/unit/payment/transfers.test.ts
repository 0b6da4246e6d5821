import { describe, expect, it } from 'vitest';

import { escrowSubaccount, POOL_SUBACCOUNT } from '../../../canisters/payment/subaccounts';
import { escrowTransferFrom, memo, refundTransfer, sweepTransfer, withdrawalTransfer } from '../../../canisters/payment/transfers';
import { account, ok, PAYMENT_CANISTER, royalty, setup } from './fixtures';

const fee = 10n;

describe('ledger arguments for each leg', () => {
  it('escrows into the job subaccount with a memo and the lock time, so a retry is a Duplicate', () => {
    const { payment } = setup();
    const consumer = account();
    const escrow = ok(payment.reserve(consumer, 7n, 1_000n, fee, 123n));
    expect(escrowTransferFrom(PAYMENT_CANISTER, escrow)).toEqual({
      spender_subaccount: [],
      from: consumer,
      to: { owner: PAYMENT_CANISTER, subaccount: [escrowSubaccount(7n)] },
      amount: 1_000n,
      fee: [],
      memo: [new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 7])],
      created_at_time: [123n],
    });
  });

  it('sweeps a settlement and refunds a consumer from the job subaccount, each net of its fee', () => {
    const { payment } = setup();
    const consumer = account();
    ok(payment.reserve(consumer, 7n, 10_000n, fee, 0n));
    const escrow = ok(payment.escrowed(7n, 1n));
    const plan = ok(payment.refund(7n, { sla_missed: { refund_bps: 2_500 } }, fee, [account()], royalty(account()), 5n));
    expect(refundTransfer(escrow, plan, 5n)).toEqual({
      from_subaccount: [escrowSubaccount(7n)],
      to: consumer,
      amount: 2_490n,
      fee: [fee],
      memo: [memo('refund', 7n)],
      created_at_time: [5n],
    });
    expect(sweepTransfer(PAYMENT_CANISTER, 7n, plan.settlement!, 5n)).toEqual({
      from_subaccount: [escrowSubaccount(7n)],
      to: { owner: PAYMENT_CANISTER, subaccount: [POOL_SUBACCOUNT] },
      amount: 7_490n,
      fee: [fee],
      memo: [memo('sweep', 7n)],
      created_at_time: [5n],
    });
    expect(refundTransfer(escrow, { refund: 0n, fee: 0n, settlement: plan.settlement }, 5n)).toBeUndefined();
  });

  it('pays a withdrawal from the pool, net of its fee', () => {
    const to = account();
    expect(withdrawalTransfer({ from: account(), to, amount: 500n, fee }, 3n, 9n)).toEqual({
      from_subaccount: [POOL_SUBACCOUNT],
      to,
      amount: 490n,
      fee: [fee],
      memo: [new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 3])],
      created_at_time: [9n],
    });
  });
});
