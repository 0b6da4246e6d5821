import { describe, expect, it } from 'vitest';

import type { Account } from '../../../canisters/ledger/types';
import { account, ok, royalty, seeded, setup } from './fixtures';

const fee = 10n;

function held(payment: ReturnType<typeof setup>['payment'], consumer: Account, jobId: bigint, amount: bigint): void {
  ok(payment.reserve(consumer, jobId, amount, fee, 1n));
  ok(payment.escrowed(jobId, 2n));
}

describe('payment flows', () => {
  it('escrows, settles to owed balances and records each account’s history', () => {
    const { payment, config } = setup();
    const [consumer, provider, creator] = [account(), account(), account()];
    held(payment, consumer, 1n, 1_010n);
    const plan = ok(payment.settle(1n, fee, [provider], royalty(creator), 3n));
    expect(plan.sweep).toBe(1_010n);
    expect(payment.owed.owed(provider)).toBe(800n);
    expect(payment.owed.owed(creator)).toBe(50n);
    expect(payment.owed.owed(config.treasury)).toBe(150n);
    expect(payment.escrows.get(1n)?.state).toEqual({ settled: null });
    expect(ok(payment.history.page(consumer, { offset: 0, limit: 10 })).items).toEqual([
      { index: 0n, at: 2n, event: { escrowed: { job_id: 1n, amount: 1_010n } } },
    ]);
    expect(ok(payment.history.page(provider, { offset: 0, limit: 10 })).items).toEqual([
      { index: 0n, at: 3n, event: { credited: { job_id: 1n, amount: 800n, role: { provider: null } } } },
    ]);
  });

  it('refunds an SLA share to the consumer and credits the rest', () => {
    const { payment } = setup();
    const [consumer, provider, creator] = [account(), account(), account()];
    held(payment, consumer, 1n, 10_000n);
    const plan = ok(payment.refund(1n, { sla_missed: { refund_bps: 2_500 } }, fee, [provider], royalty(creator), 3n));
    expect(plan.refund).toBe(2_500n);
    expect(payment.owed.owed(provider)).toBe(5_992n);
    expect(payment.escrows.get(1n)?.state).toEqual({ refunded: null });
    expect(ok(payment.history.page(consumer, { offset: 1, limit: 10 })).items).toEqual([
      { index: 1n, at: 3n, event: { refunded: { job_id: 1n, amount: 2_500n, fee } } },
    ]);
  });

  it('refuses to settle or refund an escrow that is not held, and changes nothing', () => {
    const { payment, stores } = setup();
    const [consumer, provider, creator] = [account(), account(), account()];
    ok(payment.reserve(consumer, 1n, 1_000n, fee, 0n));
    expect(payment.settle(1n, fee, [provider], royalty(creator), 1n)).toEqual({
      Err: { InvalidTransition: { from: { locked: null }, to: { settled: null } } },
    });
    ok(payment.escrowed(1n, 1n));
    ok(payment.settle(1n, fee, [provider], royalty(creator), 2n));
    expect(payment.refund(1n, { failed: null }, fee, [provider], royalty(creator), 3n)).toEqual({
      Err: { InvalidTransition: { from: { settled: null }, to: { refunded: null } } },
    });
    expect(payment.settle(1n, fee, [provider], royalty(creator), 3n)).toEqual({
      Err: { InvalidTransition: { from: { settled: null }, to: { settled: null } } },
    });
    expect(payment.owed.owed(provider)).toBe(792n);
    expect(stores.historyEntries.size).toBe(4);
    expect(payment.settle(9n, fee, [provider], royalty(creator), 3n)).toEqual({ Err: { NotFound: null } });
  });

  it('leaves a held escrow held when the fee has grown past it', () => {
    const { payment } = setup();
    held(payment, account(), 1n, 100n);
    expect(payment.settle(1n, 100n, [account()], royalty(account()), 3n)).toEqual({ Err: { FeeTooHigh: { fee: 100n, amount: 100n } } });
    expect(payment.escrows.get(1n)?.state).toEqual({ held: null });
  });

  it('refuses a bad subaccount or an escrow below the minimum or not above the fee, taking no lock', () => {
    const { payment, config } = setup();
    const consumer = account();
    expect(payment.reserve(consumer, 1n, 10n, fee, 0n)).toEqual({ Err: { BelowMinimum: { minimum: 11n } } });
    ok(payment.setConfig({ ...config, min_escrow: 500n }));
    expect(payment.reserve(consumer, 1n, 499n, fee, 0n)).toEqual({ Err: { BelowMinimum: { minimum: 500n } } });
    expect(payment.locks.holder(consumer, { owner: config.treasury.owner, subaccount: [] })).toBeUndefined();
    expect(payment.escrows.get(1n)).toBeUndefined();
    const badSubaccount = { owner: consumer.owner, subaccount: [new Uint8Array(31)] as [Uint8Array] };
    expect(payment.reserve(badSubaccount, 1n, 1_000n, fee, 0n)).toEqual({
      Err: { InvalidInput: 'consumer: a subaccount must be 32 bytes' },
    });
  });

  it('records a withdrawal in the history and re-credits a failed one', () => {
    const { payment } = setup();
    const [provider, wallet] = [account(), account()];
    held(payment, account(), 1n, 1_010n);
    ok(payment.settle(1n, fee, [provider], royalty(account()), 3n));
    const failed = ok(payment.beginWithdrawal(provider, wallet, 800n, fee));
    payment.withdrawalFailed(failed);
    expect(payment.owed.owed(provider)).toBe(800n);
    const done = ok(payment.beginWithdrawal(provider, wallet, 500n, fee));
    payment.withdrawn(done, 42n, 4n);
    expect(payment.owed.owed(provider)).toBe(300n);
    expect(ok(payment.history.page(provider, { offset: 1, limit: 1 })).items).toEqual([
      { index: 1n, at: 4n, event: { withdrawn: { amount: 500n, fee, block: 42n } } },
    ]);
  });

  it('accounts for every unit over many jobs: owed + fees + refunds == escrowed (seeded)', () => {
    const { payment } = setup();
    const random = seeded(42);
    const people = Array.from({ length: 6 }, () => account());
    const { treasury } = payment.getConfig();
    let escrowed = 0n;
    let fees = 0n;
    let refunded = 0n;
    for (let job = 0n; job < 300n; job++) {
      const amount = fee + 1n + random.big(100_000n);
      held(payment, people[random.int(6)], job, amount);
      escrowed += amount;
      const providers = Array.from({ length: 1 + random.int(3) }, () => people[random.int(6)]);
      const creator = people[random.int(6)];
      if (random.int(2) === 0) {
        fees += ok(payment.settle(job, fee, providers, royalty(creator), 3n)).fee;
      } else {
        const plan = ok(payment.refund(job, { sla_missed: { refund_bps: random.int(10_001) } }, fee, providers, royalty(creator), 3n));
        refunded += plan.refund;
        fees += plan.settlement?.fee ?? 0n;
      }
    }
    const owed = [...people, treasury].reduce((sum, who) => sum + payment.owed.owed(who), 0n);
    expect(owed + fees + refunded).toBe(escrowed);
  });
});
