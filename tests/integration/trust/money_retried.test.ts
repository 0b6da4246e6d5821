// Money never waits for a person: a refund whose ledger leg fails (the ledger stopped when the payment canister sent
// its transfer) is paid by payment's timer once the ledger is back, exactly once; a leg still pending
// past the ledger's deduplication window is no longer sent, since a resend could no longer be deduplicated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Account } from '../../../canisters/ledger/types';
import { DEDUP_WINDOW_NS, RETRY_INTERVAL_S } from '../../../canisters/payment/retries';
import { escrowSubaccount } from '../../../canisters/payment/subaccounts';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, account, approveArgs, expectConsistent, setupLedger } from '../ledger/fixture';
import { randomUser } from '../localnet/probe';
import { setupPayment } from '../payment/client';
import { expectPaymentInvariant } from '../payment/invariant';

const FUNDS = 1_000_000_000n;
const AMOUNT = 1_000_000n;
const REFUND_TAG = 3;

describe('failed ledger legs are retried by a timer', () => {
  let network: LocalNetwork;
  let ledger: Awaited<ReturnType<typeof setupLedger>>;
  let payment: Awaited<ReturnType<typeof setupPayment>>;
  const [deployer, minter, marketplace, consumer] = [randomUser(), randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
    ledger = await setupLedger(network, minter, [[account(consumer), FUNDS]]);
    payment = await setupPayment(network, deployer, { ledger: [ledger.canisterId], marketplace: [marketplace], bridge: [] });
  });
  afterAll(() => network?.stop());

  async function escrow(jobId: bigint): Promise<void> {
    ledger.actor.setPrincipal(consumer);
    expect(await ledger.actor.icrc2_approve(approveArgs(account(payment.canisterId), AMOUNT + FEE))).toHaveProperty('Ok');
    payment.actor.setPrincipal(marketplace);
    expect(await payment.actor.escrow(jobId, account(consumer), AMOUNT)).toHaveProperty('Ok');
  }

  /**
   * Refunds `jobId` with the ledger stopped. Payment learnt the ledger's fee at the escrow and keeps it, so the
   * refund's transfer is its first call to the ledger, and it is rejected.
   */
  async function refundWhileLedgerStops(jobId: bigint): Promise<unknown> {
    await network.stopCanister(ledger.canisterId);
    payment.actor.setPrincipal(marketplace);
    return payment.actor.refund(jobId, { failed: null }, [], []);
  }

  const balanceOf = (who: Account) => ledger.actor.icrc1_balance_of(who);

  /** How many refund transfers of `jobId` the ledger logged. */
  async function refundsLogged(jobId: bigint): Promise<number> {
    const { log_length } = await ledger.actor.get_transactions({ start: 0n, length: 0n });
    const { transactions } = await ledger.actor.get_transactions({ start: 0n, length: log_length });
    return transactions.filter((tx) => {
      const memo = tx.transfer[0]?.memo[0];
      return memo !== undefined && memo[0] === REFUND_TAG && new DataView(Uint8Array.from(memo).buffer).getBigUint64(1) === jobId;
    }).length;
  }

  async function timerRound(): Promise<void> {
    await network.advanceTime(RETRY_INTERVAL_S * 1_000);
    await network.tick(2);
  }

  it('pays a refund whose transfer failed once the ledger is back, exactly once, and the money adds up', async () => {
    await escrow(1n);
    const before = await balanceOf(account(consumer));
    // The refund is decided, but its transfer never reached the ledger: it is pending, nothing was paid.
    expect(await refundWhileLedgerStops(1n)).toMatchObject({ Ok: { refund: AMOUNT, block: [] } });
    expect((await network.canisterStatus(ledger.canisterId)).status).toEqual({ stopped: null });
    expect(await payment.actor.pending_transfers()).toHaveLength(1);

    // The timer tries while the ledger is still stopped: the leg stays pending.
    await timerRound();
    expect(await payment.actor.pending_transfers()).toHaveLength(1);

    // Nobody calls retry_pending: the cause goes away and the next round pays it.
    await network.startCanister(ledger.canisterId);
    await timerRound();
    expect(await payment.actor.pending_transfers()).toEqual([]);
    expect(await balanceOf(account(consumer))).toBe(before + AMOUNT - FEE);
    expect(await refundsLogged(1n)).toBe(1);

    // More rounds and a manual retry pay nothing more.
    await timerRound();
    payment.actor.setPrincipal(marketplace);
    expect(await payment.actor.retry_pending()).toEqual({ Ok: 0 });
    expect(await balanceOf(account(consumer))).toBe(before + AMOUNT - FEE);
    expect(await refundsLogged(1n)).toBe(1);
    await expectPaymentInvariant(ledger.actor, payment.actor, payment.canisterId, [1n], []);
  });

  it('stops sending a leg the ledger can no longer deduplicate, and keeps it listed with its money in place', async () => {
    await escrow(2n);
    const before = await balanceOf(account(consumer));
    expect(await refundWhileLedgerStops(2n)).toMatchObject({ Ok: { refund: AMOUNT, block: [] } });
    const [leg] = await payment.actor.pending_transfers();
    // The ledger stays down past the window.
    await network.advanceTime(Number(DEDUP_WINDOW_NS / 1_000_000n) + RETRY_INTERVAL_S * 1_000);
    await network.tick(2);
    await network.startCanister(ledger.canisterId);
    await timerRound();
    payment.actor.setPrincipal(marketplace);
    expect(await payment.actor.retry_pending()).toEqual({ Ok: 0 });
    expect(await payment.actor.pending_transfers()).toEqual([leg]);
    expect(await balanceOf(account(consumer))).toBe(before);
    expect(await refundsLogged(2n)).toBe(0);
    // The escrow subaccount still holds the refund, and the ledger's books still balance.
    expect(await balanceOf(account(payment.canisterId, escrowSubaccount(2n)))).toBe(AMOUNT);
    await expectConsistent(ledger.actor);
  });
});
