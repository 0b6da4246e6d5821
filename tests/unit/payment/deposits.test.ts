import { describe, expect, it } from 'vitest';

import { depositTransfer, escrowTransferFrom } from '../../../canisters/payment/transfers';
import { depositSubaccount, escrowSubaccount } from '../../../canisters/payment/subaccounts';
import { account, ok, PAYMENT_CANISTER, setup } from './fixtures';

const fee = 10n;

describe('dispute deposits', () => {
  it('holds a deposit apart from the job’s escrow and returns it, less the fee, when the dispute is upheld', () => {
    const { payment } = setup();
    const consumer = account();
    ok(payment.reserve(consumer, 7n, 1_000n, fee, 1n));
    ok(payment.escrowed(7n, 2n));
    ok(payment.reserveDeposit(consumer, 7n, 500n, fee, 3n));
    expect(payment.deposits.get(7n)?.state).toEqual({ locked: null });
    ok(payment.depositHeld(7n, 4n));
    expect(payment.escrows.get(7n)?.amount).toBe(1_000n);

    const returned = ok(payment.returnDeposit(7n, fee, 5n));
    expect(returned.state).toEqual({ refunded: null });
    const leg = depositTransfer(PAYMENT_CANISTER, returned, true, fee);
    expect(leg).toMatchObject({ from_subaccount: [depositSubaccount(7n)], to: consumer, amount: 490n, fee: [fee] });
    expect(ok(payment.history.page(consumer, { offset: 1, limit: 10 })).items.map((e) => e.event)).toEqual([
      { deposited: { job_id: 7n, amount: 500n } },
      { deposit_returned: { job_id: 7n, amount: 500n, fee } },
    ]);
  });

  it('forfeits a rejected dispute’s deposit to the treasury, credited exactly what reaches the pool', () => {
    const { payment, config } = setup();
    const consumer = account();
    ok(payment.reserveDeposit(consumer, 3n, 500n, fee, 1n));
    ok(payment.depositHeld(3n, 2n));
    const forfeited = ok(payment.forfeitDeposit(3n, fee, 3n));
    const leg = depositTransfer(PAYMENT_CANISTER, forfeited, false, fee);
    expect(leg.to.owner.toText()).toBe(PAYMENT_CANISTER.toText());
    expect(payment.owed.owed(config.treasury)).toBe(leg.amount);
    expect(leg.amount).toBe(490n);
  });

  it('resolves a deposit once, and never one that is not held', () => {
    const { payment, config } = setup();
    const consumer = account();
    ok(payment.reserveDeposit(consumer, 3n, 500n, fee, 1n));
    expect(payment.returnDeposit(3n, fee, 2n)).toEqual({ Err: { InvalidTransition: { from: { locked: null }, to: { refunded: null } } } });
    ok(payment.depositHeld(3n, 2n));
    ok(payment.forfeitDeposit(3n, fee, 3n));
    expect(payment.returnDeposit(3n, fee, 4n)).toEqual({ Err: { InvalidTransition: { from: { settled: null }, to: { refunded: null } } } });
    expect(payment.forfeitDeposit(3n, fee, 4n)).toEqual({ Err: { InvalidTransition: { from: { settled: null }, to: { settled: null } } } });
    expect(payment.owed.owed(config.treasury)).toBe(490n);
    expect(payment.returnDeposit(9n, fee, 4n)).toEqual({ Err: { NotFound: null } });
  });

  it('refuses a deposit that cannot pay the fee, a second one for the job, and frees the allowance when the pull fails', () => {
    const { payment } = setup();
    const consumer = account();
    expect(payment.reserveDeposit(consumer, 1n, fee, fee, 1n)).toEqual({ Err: { BelowMinimum: { minimum: fee + 1n } } });
    ok(payment.reserveDeposit(consumer, 1n, 100n, fee, 1n));
    expect(payment.reserveDeposit(consumer, 1n, 100n, fee, 1n)).toEqual({ Err: { AlreadyEscrowed: { state: { locked: null } } } });
    expect(payment.reserve(consumer, 2n, 100n, fee, 1n)).toEqual({ Err: { AllowanceBusy: { job_id: 1n } } });
    ok(payment.depositFailed(1n));
    expect(payment.deposits.get(1n)).toBeUndefined();
    ok(payment.reserve(consumer, 2n, 100n, fee, 1n));
  });

  it('pulls a deposit into its own subaccount with its own memo', () => {
    const { payment } = setup();
    const deposit = ok(payment.reserveDeposit(account(), 4n, 100n, fee, 9n));
    const pull = escrowTransferFrom(PAYMENT_CANISTER, deposit, 'deposit');
    expect(pull.to.subaccount).toEqual([depositSubaccount(4n)]);
    expect(depositSubaccount(4n)).not.toEqual(escrowSubaccount(4n));
    expect(pull.memo[0]?.[0]).toBe(5);
    expect(escrowTransferFrom(PAYMENT_CANISTER, deposit).memo[0]?.[0]).toBe(1);
  });
});
