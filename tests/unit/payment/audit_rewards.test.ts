import { describe, expect, it } from 'vitest';

import { account, ok, royalty, setup } from './fixtures';

const fee = 10n;

/** Job 7 escrowed 10,000 and settled to one provider: the treasury is owed 1,499 of the 9,990 left after the fee. */
function settled() {
  const { payment, config } = setup();
  ok(payment.reserve(account(), 7n, 10_000n, fee, 1n));
  ok(payment.escrowed(7n, 2n));
  ok(payment.settle(7n, fee, [account()], royalty(account()), 3n));
  expect(payment.owed.owed(config.treasury)).toBe(1_499n);
  return { payment, treasury: config.treasury };
}

describe('audit rewards', () => {
  it('credits each agreeing auditor half the treasury’s share of the job, moved from the treasury, once per job', () => {
    const { payment, treasury } = settled();
    const [a, b] = [account(), account()];
    // 15% of 9,990 is 1,498; each auditor gets half.
    expect(payment.payAuditors(7n, [a, b], fee, 4n)).toEqual({ Ok: 749n });
    expect([payment.owed.owed(a), payment.owed.owed(b), payment.owed.owed(treasury)]).toEqual([749n, 749n, 1n]);
    expect(ok(payment.history.page(a, { offset: 0, limit: 10 })).items.map((e) => e.event)).toEqual([
      { audit_reward: { job_id: 7n, amount: 749n } },
    ]);
    expect(ok(payment.history.page(treasury, { offset: 1, limit: 10 })).items.map((e) => e.event)).toEqual([
      { audit_paid: { job_id: 7n, amount: 1_498n } },
    ]);
    expect(payment.payAuditors(7n, [account()], fee, 5n)).toEqual({ Err: { InvalidInput: 'the auditors of job 7 were paid before' } });
  });

  it('pays nothing the treasury does not hold, and keeps the job payable', () => {
    const { payment, treasury } = settled();
    ok(payment.beginWithdrawal(treasury, account(), 700n, fee));
    const auditor = account();
    expect(payment.payAuditors(7n, [auditor, account()], fee, 4n)).toEqual({ Err: { InsufficientOwed: { owed: 799n } } });
    expect(payment.owed.owed(auditor)).toBe(0n);
    expect(payment.payAuditors(7n, [auditor], fee, 4n)).toEqual({ Ok: 749n });
  });

  it('shares the same half-and-half among three or four auditors a dispute of agreeing replicas needed', () => {
    const { payment, treasury } = settled();
    const three = [account(), account(), account()];
    // 1,498 over three: 499 each, the treasury keeping the remainder.
    expect(payment.payAuditors(7n, three, fee, 4n)).toEqual({ Ok: 499n });
    expect([...three.map((a) => payment.owed.owed(a)), payment.owed.owed(treasury)]).toEqual([499n, 499n, 499n, 2n]);
  });

  it('refuses a job not settled, an unknown job, more than four auditors and one auditor twice', () => {
    const { payment } = settled();
    ok(payment.reserve(account(), 8n, 10_000n, fee, 1n));
    ok(payment.escrowed(8n, 2n));
    const auditor = account();
    expect(payment.payAuditors(8n, [auditor], fee, 4n)).toEqual({ Err: { InvalidInput: 'only a settled job’s auditors are paid' } });
    expect(payment.payAuditors(9n, [auditor], fee, 4n)).toEqual({ Err: { NotFound: null } });
    const five = Array.from({ length: 5 }, () => account());
    expect(payment.payAuditors(7n, five, fee, 4n)).toEqual({ Err: { InvalidInput: 'auditors: one to 4' } });
    expect(payment.payAuditors(7n, [auditor, auditor], fee, 4n)).toEqual({ Err: { InvalidInput: 'auditors: different accounts' } });
    expect(payment.payAuditors(7n, [account(), auditor, account(), auditor], fee, 4n)).toEqual({ Err: { InvalidInput: 'auditors: different accounts' } });
  });
});
