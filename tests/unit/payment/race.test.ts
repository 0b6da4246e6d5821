// Two submissions racing for one allowance. Each runs as the glue would: reserve (take the lock, open the
// escrow), await transfer_from, then commit escrowed or escrowFailed. Every interleaving of the two must end
// with exactly one escrow held and the ledger debited once.
import { describe, expect, it } from 'vitest';

import { escrowTransferFrom } from '../../../canisters/payment/transfers';
import { account, ok, PAYMENT_CANISTER, setup } from './fixtures';

type Step = 'reserve' | 'transfer' | 'commit';
const STEPS: Step[] = ['reserve', 'transfer', 'commit'];

// Every way to interleave two three-step sequences, as the list of which submission moves next.
function interleavings(a = 3, b = 3): (0 | 1)[][] {
  if (a === 0) return [Array(b).fill(1)];
  if (b === 0) return [Array(a).fill(0)];
  return [...interleavings(a - 1, b).map((rest) => [0 as const, ...rest]), ...interleavings(a, b - 1).map((rest) => [1 as const, ...rest])];
}

function other(who: 0 | 1): 0 | 1 {
  return who === 0 ? 1 : 0;
}

// A ledger holding one allowance: transfer_from debits it atomically, as ICRC-2 does.
function ledger(allowance: bigint, fee: bigint) {
  const state = { allowance, moved: 0n, calls: 0 };
  return {
    state,
    transferFrom(amount: bigint): boolean {
      state.calls++;
      if (state.allowance < amount + fee) return false;
      state.allowance -= amount + fee;
      state.moved += amount;
      return true;
    },
  };
}

describe('two submissions racing for one allowance', () => {
  const fee = 10n;
  const price = 1_000n;

  it('lists all 20 interleavings', () => {
    expect(interleavings()).toHaveLength(20);
  });

  it.each(interleavings().map((order) => [order.join('')]))('order %s: exactly one escrows', (orderText) => {
    const order = [...orderText].map(Number) as (0 | 1)[];
    const { payment } = setup();
    const consumer = account();
    const chain = ledger(price + fee, fee);
    const jobs = [1n, 2n];
    const progress = [0, 0];
    const reserved = [false, false];
    const transferred: (boolean | undefined)[] = [undefined, undefined];
    for (const who of order) {
      const step = STEPS[progress[who]++];
      const job = jobs[who];
      if (step === 'reserve') {
        reserved[who] = 'Ok' in payment.reserve(consumer, job, price, fee, 0n);
      } else if (!reserved[who]) {
        continue; // a refused submission stops at reserve
      } else if (step === 'transfer') {
        const args = escrowTransferFrom(PAYMENT_CANISTER, payment.escrows.get(job)!);
        transferred[who] = chain.transferFrom(args.amount);
      } else if (transferred[who]) {
        ok(payment.escrowed(job, 1n));
      } else {
        ok(payment.escrowFailed(job));
      }
    }
    const held = jobs.filter((job) => {
      const escrow = payment.escrows.get(job);
      return escrow !== undefined && 'held' in escrow.state;
    });
    expect(held).toHaveLength(1);
    expect(chain.state.moved).toBe(price);
    const first = order[0];
    const overlapped = order.indexOf(other(first)) < order.lastIndexOf(first);
    expect(chain.state.calls).toBe(overlapped ? 1 : 2);
    // The loser left nothing behind: no escrow entry and no lock.
    expect(jobs.filter((job) => payment.escrows.get(job))).toHaveLength(1);
    expect(payment.locks.holder(consumer, { owner: PAYMENT_CANISTER, subaccount: [] })).toBeUndefined();
  });

  it('refuses the second reservation while the first awaits, naming the job that holds the lock', () => {
    const { payment } = setup();
    const consumer = account();
    ok(payment.reserve(consumer, 1n, price, fee, 0n));
    expect(payment.reserve(consumer, 2n, price, fee, 0n)).toEqual({ Err: { AllowanceBusy: { job_id: 1n } } });
    // Another consumer's allowance, or the same owner's other subaccount, is a different lock.
    ok(payment.reserve(account(), 3n, price, fee, 0n));
    ok(payment.reserve({ owner: consumer.owner, subaccount: [new Uint8Array(32).fill(1)] }, 4n, price, fee, 0n));
  });

  it('frees the allowance after a failed transfer_from, so the consumer can try again', () => {
    const { payment } = setup();
    const consumer = account();
    ok(payment.reserve(consumer, 1n, price, fee, 0n));
    ok(payment.escrowFailed(1n));
    ok(payment.reserve(consumer, 1n, price, fee, 1n));
  });

  it('releases the lock only for the job that holds it', () => {
    const { payment } = setup();
    const consumer = account();
    const spender = { owner: PAYMENT_CANISTER, subaccount: [] as [] };
    ok(payment.reserve(consumer, 1n, price, fee, 0n));
    payment.locks.release(consumer, spender, 2n);
    expect(payment.locks.holder(consumer, spender)).toBe(1n);
  });
});
