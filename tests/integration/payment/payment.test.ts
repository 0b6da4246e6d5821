// The payment canister's real Wasm with the real ledger on the local network: escrow through ICRC-2 with exact
// balances, two escrows racing for one allowance, the 80/15/5 settlement with its remainders, withdrawals that
// pay or re-credit, refunds, the guards on every privileged method, an upgrade mid-way and the money invariant.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Account } from '../../../canisters/ledger/types';
import { escrowSubaccount, POOL_SUBACCOUNT, TREASURY_SUBACCOUNT } from '../../../canisters/payment/subaccounts';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, account, approveArgs, setupLedger } from '../ledger/fixture';
import { randomUser, rejection } from '../localnet/probe';
import { creatorOf, PAYMENT_WASM, setupPayment } from './client';
import { expectPaymentInvariant } from './invariant';

const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${show(result.Err)}`);
  return result.Ok;
}

function err(result: { Ok: unknown } | { Err: Record<string, unknown> }): string {
  if (!('Err' in result)) throw new Error(`expected Err, got Ok ${show(result.Ok)}`);
  return Object.keys(result.Err)[0];
}

const FUNDS = 1_000_000_000n;

describe('payment', () => {
  let network: LocalNetwork;
  const [deployer, minter, marketplace, bridge] = [randomUser(), randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  /** A ledger funding `funded`, and payment pointed at it with a test user as the marketplace and no bridge. */
  async function suite(funded: Principal[], withBridge = false) {
    const ledger = await setupLedger(
      network,
      minter,
      funded.map((p): [Account, bigint] => [account(p), FUNDS]),
    );
    const payment = await setupPayment(network, deployer, {
      ledger: [ledger.canisterId],
      marketplace: [marketplace],
      bridge: withBridge ? [bridge] : [],
    });
    const self = payment.canisterId;
    return { ledger, payment, self };
  }
  type Suite = Awaited<ReturnType<typeof suite>>;

  async function approve(s: Suite, consumer: Principal, amount: bigint) {
    s.ledger.actor.setPrincipal(consumer);
    ok(await s.ledger.actor.icrc2_approve(approveArgs(account(s.self), amount)));
  }

  async function escrow(s: Suite, consumer: Principal, jobId: bigint, amount: bigint) {
    await approve(s, consumer, amount + FEE);
    s.payment.actor.setPrincipal(marketplace);
    return ok(await s.payment.actor.escrow(jobId, account(consumer), amount));
  }

  /** Ledger holdings of the canister == open escrows + owed balances, nothing pending. */
  const expectInvariant = (s: Suite, jobs: bigint[], owedAccounts: Account[]) =>
    expectPaymentInvariant(s.ledger.actor, s.payment.actor, s.self, jobs, owedAccounts);

  it('installs without an argument, with the installer as admin and the default split', async () => {
    const { actor, canisterId } = await setupPayment(network, deployer);
    expect(await actor.version()).toBe('payment 0.1.0');
    const settings = await actor.get_config();
    expect(settings.admin.toText()).toBe(deployer.toText());
    expect(settings.ledger).toEqual([]);
    expect(settings.config.split).toEqual({ provider_bps: 8_000, treasury_bps: 1_500, creator_bps: 500 });
    expect(settings.config.treasury.owner.toText()).toBe(canisterId.toText());
    actor.setPrincipal(marketplace);
    expect(err(await actor.escrow(1n, account(randomUser()), 100_000n))).toBe('Unauthorized');
  });

  it('escrows after approve: exactly amount + fee leaves the consumer, amount lands in the job subaccount', async () => {
    const consumer = randomUser();
    const s = await suite([consumer]);
    const amount = 1_000_000n;
    await approve(s, consumer, amount + FEE);
    const before = await s.ledger.actor.icrc1_balance_of(account(consumer));
    s.payment.actor.setPrincipal(marketplace);
    const held = ok(await s.payment.actor.escrow(7n, account(consumer), amount));
    expect(held).toMatchObject({ job_id: 7n, amount, state: { held: null } });
    expect(before - (await s.ledger.actor.icrc1_balance_of(account(consumer)))).toBe(amount + FEE);
    expect(await s.ledger.actor.icrc1_balance_of(account(s.self, escrowSubaccount(7n)))).toBe(amount);
    expect(await s.ledger.actor.icrc2_allowance({ account: account(consumer), spender: account(s.self) })).toMatchObject({ allowance: 0n });
    // The ledger saw the memo and created_at_time from transfers.ts.
    const { log_length } = await s.ledger.actor.get_transactions({ start: 0n, length: 0n });
    const [last] = (await s.ledger.actor.get_transactions({ start: log_length - 1n, length: 1n })).transactions;
    expect(last.transfer[0]?.memo[0]?.[0]).toBe(1);
    expect(last.transfer[0]?.created_at_time).toEqual([held.created_at]);
    // The same job cannot escrow twice; history records the escrow.
    expect(err(await s.payment.actor.escrow(7n, account(consumer), amount))).toBe('AlreadyEscrowed');
    const history = ok(await s.payment.actor.history(account(consumer), { offset: 0, limit: 10 }));
    expect(history.items.map((e) => e.event)).toEqual([{ escrowed: { job_id: 7n, amount } }]);
    await expectInvariant(s, [7n], []);
  });

  it('lets exactly one of two escrows racing for one allowance succeed', async () => {
    const consumer = randomUser();
    const s = await suite([consumer]);
    const amount = 500_000n;
    await approve(s, consumer, amount + FEE);
    const before = await s.ledger.actor.icrc1_balance_of(account(consumer));
    s.payment.actor.setPrincipal(marketplace);
    // Both submitted before either is awaited.
    const first = s.payment.actor.escrow(1n, account(consumer), amount);
    const second = s.payment.actor.escrow(2n, account(consumer), amount);
    const results = await Promise.all([first, second]);
    const winners = results.filter((r) => 'Ok' in r);
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => 'Err' in r)!;
    expect(['AllowanceBusy', 'LedgerError']).toContain(err(loser));
    expect(before - (await s.ledger.actor.icrc1_balance_of(account(consumer)))).toBe(amount + FEE);
    const held = (await s.payment.actor.escrow_of(1n)).length + (await s.payment.actor.escrow_of(2n)).length;
    expect(held).toBe(1);
    await expectInvariant(s, [1n, 2n], []);
  });

  it('settles 80/15/5 of escrow - sweep fee with exact credits, pays withdrawals and re-credits a failed one', async () => {
    const consumer = randomUser();
    const [p1, p2, p3, creator] = [randomUser(), randomUser(), randomUser(), randomUser()];
    const s = await suite([consumer]);
    const amount = 1_000_003n;
    await escrow(s, consumer, 9n, amount);

    // The admin completes the job (the privileged test path while no bridge is set).
    s.payment.actor.setPrincipal(deployer);
    const settled = ok(await s.payment.actor.settle(9n, [account(p1), account(p2), account(p3)], creatorOf(creator)));
    // distributable 990,003: providers 792,002 / 3 = 264,000 each; creator 49,500; treasury the rest, 148,503.
    const treasury = (await s.payment.actor.get_config()).config.treasury;
    expect(settled.sweep).toBe(amount);
    expect(settled.fee).toBe(FEE);
    expect(settled.block).toHaveLength(1);
    for (const p of [p1, p2, p3]) expect(await s.payment.actor.owed_of(account(p))).toBe(264_000n);
    expect(await s.payment.actor.owed_of(account(creator))).toBe(49_500n);
    expect(await s.payment.actor.owed_of(treasury)).toBe(148_503n);
    expect(3n * 264_000n + 49_500n + 148_503n).toBe(amount - FEE);
    expect(treasury.subaccount).toEqual([TREASURY_SUBACCOUNT]);
    expect(await s.ledger.actor.icrc1_balance_of(account(s.self, escrowSubaccount(9n)))).toBe(0n);
    expect(await s.ledger.actor.icrc1_balance_of(account(s.self, POOL_SUBACCOUNT))).toBe(amount - FEE);
    expect((await s.payment.actor.escrow_of(9n))[0]?.state).toEqual({ settled: null });
    // Settling twice is refused.
    expect(err(await s.payment.actor.settle(9n, [account(p1)], creatorOf(creator)))).toBe('InvalidTransition');

    // A provider withdraws everything: the ledger pays owed - fee.
    s.payment.actor.setPrincipal(p1);
    const paid = ok(await s.payment.actor.withdraw(264_000n, account(p1)));
    expect(paid).toMatchObject({ amount: 264_000n, fee: FEE });
    expect(await s.ledger.actor.icrc1_balance_of(account(p1))).toBe(264_000n - FEE);
    expect(await s.payment.actor.owed_of(account(p1))).toBe(0n);
    expect(err(await s.payment.actor.withdraw(1_000n + FEE, account(p1)))).toBe('InsufficientOwed');

    // A withdrawal the ledger refuses (to the minting account: BadFee) re-credits the balance.
    s.payment.actor.setPrincipal(p2);
    expect(err(await s.payment.actor.withdraw(100_000n, account(minter)))).toBe('LedgerError');
    expect(await s.payment.actor.owed_of(account(p2))).toBe(264_000n);
    const history = ok(await s.payment.actor.history(account(p1), { offset: 0, limit: 10 }));
    expect(history.items.map((e) => Object.keys(e.event)[0])).toEqual(['credited', 'withdrawn']);

    // The treasury (a subaccount of the canister) is paid out by the admin only.
    const cold = randomUser();
    s.payment.actor.setPrincipal(p2);
    expect(err(await s.payment.actor.withdraw_treasury(100_000n, account(cold)))).toBe('Unauthorized');
    s.payment.actor.setPrincipal(deployer);
    ok(await s.payment.actor.withdraw_treasury(100_000n, account(cold)));
    expect(await s.ledger.actor.icrc1_balance_of(account(cold))).toBe(100_000n - FEE);
    expect(await s.payment.actor.owed_of(treasury)).toBe(48_503n);

    await expectInvariant(s, [9n], [account(p1), account(p2), account(p3), account(creator), treasury]);
  });

  it('refunds escrow - fee to the consumer', async () => {
    const consumer = randomUser();
    const s = await suite([consumer]);
    const amount = 2_000_000n;
    await escrow(s, consumer, 3n, amount);
    const before = await s.ledger.actor.icrc1_balance_of(account(consumer));
    s.payment.actor.setPrincipal(marketplace);
    const refunded = ok(await s.payment.actor.refund(3n, { failed: null }, [], []));
    expect(refunded).toMatchObject({ refund: amount, fee: FEE, settlement: [] });
    expect((await s.ledger.actor.icrc1_balance_of(account(consumer))) - before).toBe(amount - FEE);
    expect((await s.payment.actor.escrow_of(3n))[0]?.state).toEqual({ refunded: null });
    expect(err(await s.payment.actor.refund(3n, { failed: null }, [], []))).toBe('InvalidTransition');
    await expectInvariant(s, [3n], []);
  });

  it('drops a failed escrow and frees the allowance, so the job escrows once approved', async () => {
    const consumer = randomUser();
    const s = await suite([consumer]);
    s.payment.actor.setPrincipal(marketplace);
    expect(err(await s.payment.actor.escrow(4n, account(consumer), 300_000n))).toBe('LedgerError');
    expect(await s.payment.actor.escrow_of(4n)).toEqual([]);
    expect(err(await s.payment.actor.escrow(4n, account(consumer), FEE))).toBe('BelowMinimum');
    await escrow(s, consumer, 4n, 300_000n);
    expect((await s.payment.actor.escrow_of(4n))[0]?.state).toEqual({ held: null });
    await expectInvariant(s, [4n], []);
  });

  it('refunds the share a missed SLA declares and settles the rest', async () => {
    const consumer = randomUser();
    const [provider, creator] = [randomUser(), randomUser()];
    const s = await suite([consumer]);
    await escrow(s, consumer, 8n, 1_000_000n);
    const before = await s.ledger.actor.icrc1_balance_of(account(consumer));
    s.payment.actor.setPrincipal(marketplace);
    const plan = ok(await s.payment.actor.refund(8n, { sla_missed: { refund_bps: 2_500 } }, [account(provider)], [creatorOf(creator)]));
    // 250,000 back (less its fee); 750,000 settled: distributable 740,000 -> 592,000 / 37,000 / 111,000.
    expect(plan.refund).toBe(250_000n);
    expect((await s.ledger.actor.icrc1_balance_of(account(consumer))) - before).toBe(250_000n - FEE);
    expect(await s.payment.actor.owed_of(account(provider))).toBe(592_000n);
    expect(await s.payment.actor.owed_of(account(creator))).toBe(37_000n);
    const treasury = (await s.payment.actor.get_config()).config.treasury;
    expect(await s.payment.actor.owed_of(treasury)).toBe(111_000n);
    await expectInvariant(s, [8n], [account(provider), account(creator), treasury]);
  });

  it('refuses every privileged method to other callers and to the anonymous principal', async () => {
    const consumer = randomUser();
    const stranger = randomUser();
    const s = await suite([consumer]);
    await escrow(s, consumer, 5n, 1_000_000n);
    const config = (await s.payment.actor.get_config()).config;
    const actor = s.payment.actor;

    for (const caller of [stranger, consumer, deployer]) {
      actor.setPrincipal(caller);
      expect(err(await actor.escrow(6n, account(consumer), 100_000n))).toBe('Unauthorized');
    }
    for (const caller of [stranger, consumer]) {
      actor.setPrincipal(caller);
      expect(err(await actor.settle(5n, [account(caller)], creatorOf(caller)))).toBe('Unauthorized');
      expect(err(await actor.refund(5n, { failed: null }, [], []))).toBe('Unauthorized');
      expect(err(await actor.retry_pending())).toBe('Unauthorized');
    }
    for (const caller of [stranger, consumer, marketplace]) {
      actor.setPrincipal(caller);
      expect(err(await actor.set_config({ ...config, min_escrow: 5n }))).toBe('Unauthorized');
      expect(err(await actor.set_peers({ marketplace: [caller], bridge: [caller] }))).toBe('Unauthorized');
      expect(err(await actor.withdraw_treasury(100_000n, account(caller)))).toBe('Unauthorized');
    }
    actor.setPrincipal(Principal.anonymous());
    for (const call of [
      () => actor.escrow(6n, account(consumer), 100_000n),
      () => actor.settle(5n, [account(stranger)], creatorOf(stranger)),
      () => actor.refund(5n, { failed: null }, [], []),
      () => actor.withdraw(100_000n, account(stranger)),
      () => actor.set_config(config),
      () => actor.retry_pending(),
      () => actor.set_peers({ marketplace: [], bridge: [] }),
      () => actor.withdraw_treasury(100_000n, account(stranger)),
    ]) {
      // canister_inspect_message refuses it before induction (CANISTER_REJECT), so it never runs.
      expect(await rejection(call())).toMatchObject({ code: 4, errorCode: 'IC0406' });
    }
    expect((await actor.escrow_of(5n))[0]?.state).toEqual({ held: null });
    expect((await actor.escrow_of(6n)).length).toBe(0);

    // The admin changes the configuration; a bad split is refused.
    actor.setPrincipal(deployer);
    expect(ok(await actor.set_config({ ...config, min_escrow: 5n })).min_escrow).toBe(5n);
    expect(err(await actor.set_config({ ...config, split: { provider_bps: 9_000, treasury_bps: 1_500, creator_bps: 500 } }))).toBe(
      'InvalidInput',
    );
    expect((await actor.get_config()).config.min_escrow).toBe(5n);

    // Once a bridge is named, the admin's test path is closed and the bridge settles.
    const b = await suite([consumer], true);
    await escrow(b, consumer, 1n, 1_000_000n);
    b.payment.actor.setPrincipal(deployer);
    expect(err(await b.payment.actor.settle(1n, [account(stranger)], creatorOf(stranger)))).toBe('Unauthorized');
    b.payment.actor.setPrincipal(bridge);
    ok(await b.payment.actor.settle(1n, [account(stranger)], creatorOf(stranger)));

    // The admin names a bridge later: that closes the admin's path on the first canister too.
    actor.setPrincipal(deployer);
    expect(ok(await actor.set_peers({ marketplace: [], bridge: [bridge] })).bridge).toEqual([bridge]);
    expect(err(await actor.settle(5n, [account(stranger)], creatorOf(stranger)))).toBe('Unauthorized');
    actor.setPrincipal(bridge);
    ok(await actor.settle(5n, [account(stranger)], creatorOf(stranger)));
  });

  it('keeps all state across an upgrade between escrow and settle', async () => {
    const consumer = randomUser();
    const [provider, creator] = [randomUser(), randomUser()];
    const s = await suite([consumer]);
    await escrow(s, consumer, 11n, 1_000_000n);
    await escrow(s, consumer, 12n, 3_000_000n);
    s.payment.actor.setPrincipal(deployer);
    ok(await s.payment.actor.settle(12n, [account(provider)], creatorOf(creator)));
    const settingsBefore = await s.payment.actor.get_config();
    const historyBefore = await s.payment.actor.history(account(consumer), { offset: 0, limit: 10 });

    await network.upgradeCanister({ canisterId: s.self, wasm: PAYMENT_WASM, sender: deployer });

    expect(await s.payment.actor.get_config()).toEqual(settingsBefore);
    expect(await s.payment.actor.history(account(consumer), { offset: 0, limit: 10 })).toEqual(historyBefore);
    expect((await s.payment.actor.escrow_of(11n))[0]).toMatchObject({ amount: 1_000_000n, state: { held: null } });
    expect(await s.payment.actor.owed_of(account(provider))).toBe(((3_000_000n - FEE) * 8_000n) / 10_000n);

    s.payment.actor.setPrincipal(marketplace);
    ok(await s.payment.actor.settle(11n, [account(provider)], creatorOf(creator)));
    // distributable 990,000: 792,000 + 2,392,000 from job 12.
    expect(await s.payment.actor.owed_of(account(provider))).toBe(792_000n + 2_392_000n);
    s.payment.actor.setPrincipal(provider);
    ok(await s.payment.actor.withdraw(1_000_000n, account(provider)));
    const treasury = settingsBefore.config.treasury;
    await expectInvariant(s, [11n, 12n], [account(provider), account(creator), treasury]);
  });
});
