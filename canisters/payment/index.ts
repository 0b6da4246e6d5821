// The payment canister: candid glue around the rules in payment.ts and the ledger calls between their steps.
// Every flow reads, checks, locks (commits its step), awaits the ledger, then commits the outcome.
import { canisterSelf, IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, setTimerInterval, time } from 'azle';

import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { Account, TransferArgs } from '../ledger/types';
import { requireSignedCaller } from '../shared/caller';
import { guard } from '../shared/guard';
import { hex } from '../shared/hex';
import { versionOf } from '../shared/version';
import { analytics, reportClosed } from './analytics_peer';
import { decodeInitArg } from './init_arg';
import { ledgerFee, transfer, transferFrom } from '../shared/icrc_ledger';
import { Payment } from './payment';
import { insideDedupWindow, RETRY_INTERVAL_S } from './retries';
import {
  InitArg,
  initialSettings,
  mayAdminister,
  mayEscrow,
  mayHoldDeposits,
  maySettle,
  PeersUpdate,
  Refund,
  Settings,
  Settlement,
  withPeers,
  WithdrawReceipt,
} from './settings';
import type { Settlement as SettlementPlan } from './split';
import { counters, pendingTransfers, stableSettings, stableStores } from './storage';
import { depositTransfer, escrowTransferFrom, memo, refundTransfer, sweepTransfer, withdrawalTransfer } from './transfers';
import { Creator, Escrow, HistoryPage, JobId, Page, PaymentConfig, PaymentError, RefundReason, Result } from './types';

const settings = (): Settings => stableSettings.get();

function unauthorized(why: string): { Err: PaymentError } {
  return { Err: { Unauthorized: why } };
}

const memoKey = (args: TransferArgs): string => hex(args.memo[0] ?? []);

export default class {
  // Built on first use: it needs the settings written by init, and its allowance locks live on the heap.
  private cached: Payment | undefined;
  // Heap only: one retry round at a time (a round awaits the ledger once per leg).
  private retrying = false;
  // The ledger's fee, asked once and kept on the heap (empty again after an upgrade), since asking it per flow cost
  // two messages. A transfer the ledger refuses as BadFee drops it, so the next flow asks again.
  private fee: bigint | undefined;

  /** The ledger this canister pays through and its fee, or why either cannot be had. */
  private async ledgerWithFee(current: Settings): Promise<{ Ok: { ledger: Principal; fee: bigint } } | { Err: PaymentError }> {
    const ledger = current.ledger[0];
    if (ledger === undefined) return { Err: { LedgerNotSet: null } };
    if (this.fee === undefined) {
      const fee = await ledgerFee(ledger);
      if ('Err' in fee) return { Err: { LedgerError: fee.Err } };
      this.fee = fee.Ok;
    }
    return { Ok: { ledger, fee: this.fee } };
  }

  // After a BadFee refusal: true when the ledger's fee is no longer `used`, so the refused transfer may be planned again.
  private async feeChanged(ledger: Principal, used: bigint): Promise<boolean> {
    this.fee = undefined;
    const fee = await ledgerFee(ledger);
    if ('Err' in fee) return false;
    this.fee = fee.Ok;
    return fee.Ok !== used;
  }

  private get payment(): Payment {
    if (this.cached === undefined) this.cached = new Payment(stableStores, settings().config, canisterSelf());
    return this.cached;
  }

  // Manual: an install with no argument at all must work too (see shared/init_arg.ts).
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeInitArg(msgArgData());
    stableSettings.put(initialSettings(arg, msgCaller(), canisterSelf()));
    analytics.name(arg?.analytics ?? []);
    setTimerInterval(RETRY_INTERVAL_S, async () => void (await this.retryPending()));
  }

  // Settings survive upgrades and change only through set_config; only an analytics peer named is taken.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    analytics.name(decodeInitArg(msgArgData())?.analytics ?? []);
    // Timers do not survive an upgrade.
    setTimerInterval(RETRY_INTERVAL_S, async () => void (await this.retryPending()));
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ peersOnly: ['pay_auditors'] });
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('payment');
  }

  @query([], Settings)
  get_config(): Settings {
    return settings();
  }

  @update([PaymentConfig], Result(PaymentConfig))
  set_config(config: PaymentConfig): Result<PaymentConfig> {
    requireSignedCaller();
    const current = settings();
    const refused = mayAdminister(current, msgCaller());
    if (refused) return unauthorized(refused);
    const set = this.payment.setConfig(config);
    if ('Err' in set) return set;
    stableSettings.put({ ...current, config });
    return { Ok: config };
  }

  /** Names the marketplace or the bridge (naming a bridge closes the admin's settle path). Admin only. */
  @update([PeersUpdate], Result(Settings))
  set_peers(update: PeersUpdate): Result<Settings> {
    requireSignedCaller();
    const current = settings();
    const refused = mayAdminister(current, msgCaller());
    if (refused) return unauthorized(refused);
    const next = withPeers(current, update);
    stableSettings.put(next);
    return { Ok: next };
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => stableSettings.put({ ...settings(), admin }));
  }

  @query([Account], IDL.Nat)
  owed_of(account: Account): bigint {
    return this.payment.owed.owed(account);
  }

  @query([Account, Page], Result(HistoryPage))
  history(account: Account, page: Page): Result<HistoryPage> {
    return this.payment.history.page(account, page);
  }

  @query([JobId], IDL.Opt(Escrow))
  escrow_of(jobId: JobId): [] | [Escrow] {
    const escrow = this.payment.escrows.get(jobId);
    return escrow === undefined ? [] : [escrow];
  }

  /** Ledger legs committed but not known to have landed; the timer (or retry_pending) sends them again. */
  @query([], IDL.Vec(TransferArgs))
  pending_transfers(): TransferArgs[] {
    return pendingTransfers.values();
  }

  /** Moves `amount` from the consumer (who approved this canister for amount + fee) into the job's escrow. */
  @update([JobId, Account, IDL.Nat], Result(Escrow))
  async escrow(jobId: JobId, consumer: Account, amount: bigint): Promise<Result<Escrow>> {
    requireSignedCaller();
    const refused = mayEscrow(settings(), msgCaller());
    if (refused) return unauthorized(refused);
    return this.pull('escrow', jobId, consumer, amount);
  }

  /** Takes the deposit of the consumer's dispute about a job (approved like an escrow: amount + fee). Bridge only. */
  @update([JobId, Account, IDL.Nat], Result(Escrow))
  async hold_deposit(jobId: JobId, consumer: Account, amount: bigint): Promise<Result<Escrow>> {
    requireSignedCaller();
    const refused = mayHoldDeposits(settings(), msgCaller());
    if (refused) return unauthorized(refused);
    return this.pull('deposit', jobId, consumer, amount);
  }

  /**
   * The audit decided a dispute: `returned` (upheld, or undecided) gives the deposit back, otherwise it is forfeited
   * to the treasury. Ok once the transfer landed; Err while it is pending, and calling again with the same decision
   * sends the same transfer again (the ledger deduplicates it), so the bridge retries until Ok.
   */
  @update([JobId, IDL.Bool], Result(Escrow))
  async resolve_deposit(jobId: JobId, returned: boolean): Promise<Result<Escrow>> {
    requireSignedCaller();
    const current = settings();
    const refused = mayHoldDeposits(current, msgCaller());
    if (refused) return unauthorized(refused);
    // A deposit resolved this way before only needs its pending leg sent again: no fee to ask the ledger for.
    const before = this.payment.deposits.get(jobId);
    if (before !== undefined && (returned ? 'refunded' : 'settled') in before.state) {
      const ledger = current.ledger[0];
      if (ledger === undefined) return { Err: { LedgerNotSet: null } };
      const leg = pendingTransfers.get(hex(memo(returned ? 'deposit_return' : 'forfeit', jobId)));
      const landed = leg === undefined || (await this.send(ledger, leg, false)).length === 1;
      return landed ? { Ok: before } : { Err: { LedgerError: 'the transfer is still pending' } };
    }
    const paying = await this.ledgerWithFee(current);
    if ('Err' in paying) return paying;
    const { ledger, fee } = paying.Ok;
    const resolved = returned ? this.payment.returnDeposit(jobId, fee, time()) : this.payment.forfeitDeposit(jobId, fee, time());
    if ('Err' in resolved) return resolved;
    const block = await this.send(ledger, depositTransfer(canisterSelf(), resolved.Ok, returned, fee));
    return block.length === 1 ? resolved : { Err: { LedgerError: 'the transfer is pending: call again to send it again' } };
  }

  /**
   * Pays the auditors whose re-run of a settled job agreed with the majority, from the treasury's owed balance
   * (see Payment.payAuditors): the amount each was credited. Once per job; the bridge only.
   */
  @update([JobId, IDL.Vec(Account)], Result(IDL.Nat))
  async pay_auditors(jobId: JobId, auditors: Account[]): Promise<Result<bigint>> {
    requireSignedCaller();
    const current = settings();
    const denied = guard(msgCaller(), 'the bridge', current.bridge);
    if (denied !== undefined) return unauthorized(denied);
    const paying = await this.ledgerWithFee(current);
    if ('Err' in paying) return paying;
    return this.payment.payAuditors(jobId, auditors, paying.Ok.fee, time());
  }

  @query([JobId], IDL.Opt(Escrow))
  deposit_of(jobId: JobId): [] | [Escrow] {
    const deposit = this.payment.deposits.get(jobId);
    return deposit === undefined ? [] : [deposit];
  }

  /**
   * Splits a held escrow among the providers, the model's creator (the royalty the model asks, up to the split's
   * creator share) and the treasury, and sweeps it to the pool.
   */
  @update([JobId, IDL.Vec(Account), Creator], Result(Settlement))
  async settle(jobId: JobId, providers: Account[], creator: Creator): Promise<Result<Settlement>> {
    requireSignedCaller();
    const current = settings();
    const refused = maySettle(current, msgCaller());
    if (refused) return unauthorized(refused);
    const paying = await this.ledgerWithFee(current);
    if ('Err' in paying) return paying;
    const { ledger, fee } = paying.Ok;
    const now = time();
    const settled = this.payment.settle(jobId, fee, providers, creator, now);
    if ('Err' in settled) return settled;
    reportClosed(this.payment.escrows.get(jobId), { refund: 0n, fee: 0n, settlement: settled.Ok }, now);
    const block = await this.send(ledger, sweepTransfer(canisterSelf(), jobId, settled.Ok, now));
    return { Ok: { ...settled.Ok, block } };
  }

  /** Refunds a held escrow as `reason` says; a partial refund settles the rest among the providers and creator. */
  @update([JobId, RefundReason, IDL.Vec(Account), IDL.Opt(Creator)], Result(Refund))
  async refund(jobId: JobId, reason: RefundReason, providers: Account[], creator: [] | [Creator]): Promise<Result<Refund>> {
    requireSignedCaller();
    const current = settings();
    const refused = maySettle(current, msgCaller());
    if (refused) return unauthorized(refused);
    const paying = await this.ledgerWithFee(current);
    if ('Err' in paying) return paying;
    const { ledger, fee } = paying.Ok;
    const escrow = this.payment.escrows.get(jobId);
    const now = time();
    // With no creator named, the creator's share goes to the treasury.
    const { config } = settings();
    const payee = creator[0] ?? { account: config.treasury, royalty_bps: config.split.creator_bps };
    const planned = this.payment.refund(jobId, reason, fee, providers, payee, now);
    if ('Err' in planned) return planned;
    const plan = planned.Ok;
    reportClosed(escrow, plan, now);
    const refundLeg = escrow === undefined ? undefined : refundTransfer(escrow, plan, now);
    const sweepLeg = plan.settlement === undefined ? undefined : sweepTransfer(canisterSelf(), jobId, plan.settlement, now);
    // Both legs are committed as pending before either await, so neither is lost if the other fails.
    for (const leg of [refundLeg, sweepLeg]) if (leg) pendingTransfers.insert(memoKey(leg), leg);
    const block: [] | [bigint] = refundLeg ? await this.send(ledger, refundLeg) : [];
    const sweepBlock: [] | [bigint] = sweepLeg ? await this.send(ledger, sweepLeg) : [];
    const settlement: [] | [Settlement] = plan.settlement ? [{ ...(plan.settlement as SettlementPlan), block: sweepBlock }] : [];
    return { Ok: { refund: plan.refund, fee: plan.fee, settlement, block } };
  }

  /** Pays `amount` of the caller's owed balance to `to`, which receives amount - fee; a failed transfer re-credits it. */
  @update([IDL.Nat, Account], Result(WithdrawReceipt))
  async withdraw(amount: bigint, to: Account): Promise<Result<WithdrawReceipt>> {
    requireSignedCaller();
    // Read the caller before any await: the flow's later steps run in callbacks.
    return this.payOut({ owner: msgCaller(), subaccount: [] }, amount, to);
  }

  /** Pays out of the treasury's owed balance when the treasury is this canister's own subaccount. Admin only. */
  @update([IDL.Nat, Account], Result(WithdrawReceipt))
  async withdraw_treasury(amount: bigint, to: Account): Promise<Result<WithdrawReceipt>> {
    requireSignedCaller();
    const current = settings();
    const refused = mayAdminister(current, msgCaller());
    if (refused) return unauthorized(refused);
    const treasury = current.config.treasury;
    if (treasury.owner.toText() !== canisterSelf().toText()) {
      return { Err: { InvalidInput: 'the treasury is an outside account: its owner withdraws with withdraw' } };
    }
    return this.payOut(treasury, amount, to);
  }

  // Pulls an escrow or a deposit from the consumer: locked before transfer_from is awaited, then held or dropped.
  private async pull(kind: 'escrow' | 'deposit', jobId: JobId, consumer: Account, amount: bigint): Promise<Result<Escrow>> {
    const paying = await this.ledgerWithFee(settings());
    if ('Err' in paying) return paying;
    const { ledger, fee } = paying.Ok;
    const escrow = kind === 'escrow';
    const reserved = escrow
      ? this.payment.reserve(consumer, jobId, amount, fee, time())
      : this.payment.reserveDeposit(consumer, jobId, amount, fee, time());
    if ('Err' in reserved) return reserved;
    let pulled: { Ok: bigint } | { Err: string };
    try {
      pulled = await transferFrom(ledger, escrowTransferFrom(canisterSelf(), reserved.Ok, kind));
    } catch (error) {
      pulled = { Err: String(error) };
    }
    if ('Err' in pulled) {
      if (escrow) this.payment.escrowFailed(jobId);
      else this.payment.depositFailed(jobId);
      return { Err: { LedgerError: pulled.Err } };
    }
    return escrow ? this.payment.escrowed(jobId, time()) : this.payment.depositHeld(jobId, time());
  }

  // A transfer refused as BadFee is tried once more at the ledger's new fee: the refusal re-credited the balance.
  private async payOut(from: Account, amount: bigint, to: Account, retry = true): Promise<Result<WithdrawReceipt>> {
    const paying = await this.ledgerWithFee(settings());
    if ('Err' in paying) return paying;
    const { ledger, fee } = paying.Ok;
    // Lock: the balance is debited before the transfer is awaited and re-credited if it fails.
    const begun = this.payment.beginWithdrawal(from, to, amount, fee);
    if ('Err' in begun) return begun;
    const nonce = counters.get('withdrawal') ?? 0n;
    counters.insert('withdrawal', nonce + 1n);
    const paid = await transfer(ledger, withdrawalTransfer(begun.Ok, nonce, time()));
    if ('Err' in paid) {
      this.payment.withdrawalFailed(begun.Ok);
      if (retry && paid.refused === 'BadFee' && (await this.feeChanged(ledger, fee))) return this.payOut(from, amount, to, false);
      return { Err: { LedgerError: paid.Err } };
    }
    this.payment.withdrawn(begun.Ok, paid.Ok, time());
    return { Ok: { amount, fee, block: paid.Ok } };
  }

  /**
   * Sends the pending legs now rather than at the timer's next round (same created_at_time and memo, so a leg that
   * did land is a Duplicate); returns how many landed.
   */
  @update([], Result(IDL.Nat32))
  async retry_pending(): Promise<Result<number>> {
    requireSignedCaller();
    const current = settings();
    const refused = maySettle(current, msgCaller());
    if (refused) return unauthorized(refused);
    if (current.ledger[0] === undefined) return { Err: { LedgerNotSet: null } };
    return { Ok: await this.retryPending() };
  }

  // The timer's work, and retry_pending's: every pending leg the ledger still deduplicates, sent again unchanged.
  private async retryPending(): Promise<number> {
    const ledger = settings().ledger[0];
    if (ledger === undefined || this.retrying) return 0;
    this.retrying = true;
    let landed = 0;
    try {
      for (const leg of pendingTransfers.values()) {
        if (!insideDedupWindow(leg, time())) continue;
        if ((await this.send(ledger, leg, false)).length === 1) landed++;
      }
    } finally {
      this.retrying = false;
    }
    return landed;
  }

  // Sends one leg out of an escrow subaccount; it stays pending until the ledger accepts it.
  private async send(ledger: Principal, leg: TransferArgs, record = true): Promise<[] | [bigint]> {
    const key = memoKey(leg);
    if (record) pendingTransfers.insert(key, leg);
    const sent = await transfer(ledger, leg);
    if ('Err' in sent) {
      // The leg's plan is committed at the fee it was made with, so it stays pending; later flows ask the fee again.
      if (sent.refused === 'BadFee') this.fee = undefined;
      return [];
    }
    pendingTransfers.remove(key);
    return [sent.Ok];
  }
}
