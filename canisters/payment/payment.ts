// The payment rules in one place for the glue: each method is one step of a flow (reserve, then escrowed or
// escrowFailed after transfer_from; settle or refund; beginWithdrawal, then withdrawn or withdrawalFailed; a
// dispute's deposit held like an escrow, then returned or forfeited), commits its state change before the glue's
// next await, and returns what the glue sends to the ledger.
import type { Principal } from '@dfinity/principal';

import { sameAccount, validSubaccount } from '../ledger/accounts';
import type { Account } from '../ledger/types';
import { AllowanceLocks } from './allowance_locks';
import { checkBps, checkConfig } from './config';
import { Escrows } from './escrows';
import { History } from './history';
import { Owed, type Withdrawal } from './owed';
import { refund, refundShare, type RefundPlan } from './refunds';
import { settle, share, withRoyalty, type Settlement } from './split';
import type { Store } from './store';
import type { Creator, Escrow, HistoryEntry, HistoryEvent, JobId, PaymentConfig, RefundReason, Result } from './types';

export type PaymentStores = {
  escrows: Store<JobId, Escrow>;
  deposits: Store<JobId, Escrow>;
  owed: Store<string, bigint>;
  /** What each auditor of a job was paid, by job: a job's auditors are paid once. */
  auditRewards: Store<JobId, bigint>;
  historyCounts: Store<string, bigint>;
  historyEntries: Store<string, HistoryEntry>;
};

/** The most auditors paid for one job: a dispute of three replicas that agreed re-runs it on four. */
const MAX_PAID_AUDITORS = 4;

export class Payment {
  readonly escrows: Escrows;
  /** Dispute deposits, one per disputed job: an escrow in its own subaccount, refunded or settled to the treasury. */
  readonly deposits: Escrows;
  readonly locks = new AllowanceLocks();
  readonly owed: Owed;
  readonly history: History;
  private readonly auditRewards: Store<JobId, bigint>;
  // The payment canister's default account: the spender of every consumer's allowance.
  private readonly spender: Account;

  constructor(
    stores: PaymentStores,
    private config: PaymentConfig,
    paymentCanister: Principal,
  ) {
    const problem = checkConfig(config);
    if (problem) throw new Error(`payment config: ${problem}`);
    this.escrows = new Escrows(stores.escrows);
    this.deposits = new Escrows(stores.deposits);
    this.owed = new Owed(stores.owed);
    this.history = new History(stores.historyCounts, stores.historyEntries);
    this.auditRewards = stores.auditRewards;
    this.spender = { owner: paymentCanister, subaccount: [] };
  }

  getConfig(): PaymentConfig {
    return this.config;
  }

  setConfig(config: PaymentConfig): Result<null> {
    const problem = checkConfig(config);
    if (problem) return { Err: { InvalidInput: problem } };
    this.config = config;
    return { Ok: null };
  }

  /**
   * Takes the consumer's allowance lock and opens the job's escrow in `locked`; the glue then awaits
   * transfer_from. The escrow must be able to pay one ledger fee later, so it must exceed the fee.
   */
  reserve(consumer: Account, jobId: JobId, amount: bigint, fee: bigint, now: bigint): Result<Escrow> {
    const minimum = this.config.min_escrow > fee ? this.config.min_escrow : fee + 1n;
    return this.open(this.escrows, consumer, jobId, amount, minimum, now);
  }

  /** transfer_from succeeded: the escrow is held and the allowance free again. */
  escrowed(jobId: JobId, now: bigint): Result<Escrow> {
    return this.opened(this.escrows, jobId, now, (held) => ({ escrowed: { job_id: jobId, amount: held.amount } }));
  }

  /** transfer_from failed: the escrow is dropped and the allowance free again. */
  escrowFailed(jobId: JobId): Result<Escrow> {
    return this.openFailed(this.escrows, jobId);
  }

  /** Opens the deposit of a dispute about `jobId` in `locked`; it must pay one fee when it is returned. */
  reserveDeposit(consumer: Account, jobId: JobId, amount: bigint, fee: bigint, now: bigint): Result<Escrow> {
    return this.open(this.deposits, consumer, jobId, amount, fee + 1n, now);
  }

  depositHeld(jobId: JobId, now: bigint): Result<Escrow> {
    return this.opened(this.deposits, jobId, now, (held) => ({ deposited: { job_id: jobId, amount: held.amount } }));
  }

  depositFailed(jobId: JobId): Result<Escrow> {
    return this.openFailed(this.deposits, jobId);
  }

  /** The audit found the consumer right: the deposit goes back, less the ledger fee of the transfer. */
  returnDeposit(jobId: JobId, fee: bigint, now: bigint): Result<Escrow> {
    const returned = this.deposits.advance(jobId, 'refunded', now);
    if ('Ok' in returned) {
      const { consumer, amount } = returned.Ok;
      this.history.append(consumer, now, { deposit_returned: { job_id: jobId, amount, fee } });
    }
    return returned;
  }

  /** The audit found the result right: the deposit is forfeited to the treasury, credited what reaches the pool. */
  forfeitDeposit(jobId: JobId, fee: bigint, now: bigint): Result<Escrow> {
    const forfeited = this.deposits.advance(jobId, 'settled', now);
    if ('Ok' in forfeited) {
      const amount = forfeited.Ok.amount - fee;
      this.owed.credit(this.config.treasury, amount);
      this.history.append(this.config.treasury, now, { credited: { job_id: jobId, amount, role: { treasury: null } } });
    }
    return forfeited;
  }

  /** Settles a held escrow: credits the providers, the creator and the treasury; the glue then sweeps it. */
  settle(jobId: JobId, fee: bigint, providers: Account[], creator: Creator, now: bigint): Result<Settlement> {
    const badRoyalty = checkBps('royalty_bps', creator.royalty_bps);
    if (badRoyalty) return { Err: { InvalidInput: badRoyalty } };
    const checked = this.escrows.check(jobId, 'settled');
    if ('Err' in checked) return checked;
    const split = withRoyalty(this.config.split, creator.royalty_bps);
    const plan = settle(checked.Ok.amount, fee, split, { providers, creator: creator.account, treasury: this.config.treasury });
    if ('Err' in plan) return plan;
    this.escrows.advance(jobId, 'settled', now);
    this.credit(jobId, plan.Ok, now);
    return plan;
  }

  /** Refunds a held escrow as `reason` says and settles what is not refunded; the glue then moves both legs. */
  refund(jobId: JobId, reason: RefundReason, fee: bigint, providers: Account[], creator: Creator, now: bigint): Result<RefundPlan> {
    const badRoyalty = checkBps('royalty_bps', creator.royalty_bps);
    if (badRoyalty) return { Err: { InvalidInput: badRoyalty } };
    const checked = this.escrows.check(jobId, 'refunded');
    if ('Err' in checked) return checked;
    const escrow = checked.Ok;
    const payees = { providers, creator: creator.account, treasury: this.config.treasury };
    const plan = refund(escrow.amount, fee, refundShare(reason), withRoyalty(this.config.split, creator.royalty_bps), payees);
    if ('Err' in plan) return plan;
    this.escrows.advance(jobId, 'refunded', now);
    if (plan.Ok.refund > 0n) {
      this.history.append(escrow.consumer, now, { refunded: { job_id: jobId, amount: plan.Ok.refund, fee: plan.Ok.fee } });
    }
    if (plan.Ok.settlement) this.credit(jobId, plan.Ok.settlement, now);
    return plan;
  }

  /**
   * Pays the auditors whose re-run of a settled job agreed with the majority: each is credited half of the
   * treasury's share of the job's escrow after the sweep fee (a third or a quarter when a dispute of replicas that
   * agreed needed three or four), moved from the treasury's owed balance, once per job. The auditors together cost
   * the treasury at most what the job brought it, so auditing one's own jobs cannot pay.
   */
  payAuditors(jobId: JobId, auditors: Account[], fee: bigint, now: bigint): Result<bigint> {
    if (auditors.length === 0 || auditors.length > MAX_PAID_AUDITORS)
      return { Err: { InvalidInput: `auditors: one to ${MAX_PAID_AUDITORS}` } };
    if (auditors.some((auditor, i) => auditors.slice(0, i).some((other) => sameAccount(auditor, other))))
      return { Err: { InvalidInput: 'auditors: different accounts' } };
    if (!auditors.every((auditor) => validSubaccount(auditor.subaccount)))
      return { Err: { InvalidInput: 'auditors: a subaccount must be 32 bytes' } };
    if (this.auditRewards.get(jobId) !== undefined) return { Err: { InvalidInput: `the auditors of job ${jobId} were paid before` } };
    const escrow = this.escrows.get(jobId);
    if (escrow === undefined) return { Err: { NotFound: null } };
    if (!('settled' in escrow.state)) return { Err: { InvalidInput: 'only a settled job’s auditors are paid' } };
    const shares = BigInt(Math.max(2, auditors.length));
    const each = escrow.amount > fee ? share(escrow.amount - fee, this.config.split.treasury_bps) / shares : 0n;
    const moved = this.owed.move(this.config.treasury, auditors, each);
    if ('Err' in moved) return moved;
    this.auditRewards.set(jobId, each);
    for (const auditor of auditors) this.history.append(auditor, now, { audit_reward: { job_id: jobId, amount: each } });
    this.history.append(this.config.treasury, now, { audit_paid: { job_id: jobId, amount: each * BigInt(auditors.length) } });
    return { Ok: each };
  }

  beginWithdrawal(from: Account, to: Account, amount: bigint, fee: bigint): Result<Withdrawal> {
    return this.owed.beginWithdrawal(from, to, amount, fee);
  }

  /** The ledger transfer of a withdrawal succeeded at `block`. */
  withdrawn(withdrawal: Withdrawal, block: bigint, now: bigint): void {
    this.history.append(withdrawal.from, now, { withdrawn: { amount: withdrawal.amount, fee: withdrawal.fee, block } });
  }

  withdrawalFailed(withdrawal: Withdrawal): void {
    this.owed.withdrawalFailed(withdrawal);
  }

  private open(escrows: Escrows, consumer: Account, jobId: JobId, amount: bigint, minimum: bigint, now: bigint): Result<Escrow> {
    if (!validSubaccount(consumer.subaccount)) return { Err: { InvalidInput: 'consumer: a subaccount must be 32 bytes' } };
    if (amount < minimum) return { Err: { BelowMinimum: { minimum } } };
    const existing = escrows.get(jobId);
    if (existing) return { Err: { AlreadyEscrowed: { state: existing.state } } };
    const locked = this.locks.take(consumer, this.spender, jobId);
    if ('Err' in locked) return locked;
    return escrows.lock(jobId, consumer, amount, now);
  }

  private opened(escrows: Escrows, jobId: JobId, now: bigint, event: (held: Escrow) => HistoryEvent): Result<Escrow> {
    const held = escrows.advance(jobId, 'held', now);
    if ('Err' in held) return held;
    this.locks.release(held.Ok.consumer, this.spender, jobId);
    this.history.append(held.Ok.consumer, now, event(held.Ok));
    return held;
  }

  private openFailed(escrows: Escrows, jobId: JobId): Result<Escrow> {
    const dropped = escrows.drop(jobId);
    if ('Ok' in dropped) this.locks.release(dropped.Ok.consumer, this.spender, jobId);
    return dropped;
  }

  private credit(jobId: JobId, settlement: Settlement, now: bigint): void {
    for (const { account, role, amount } of settlement.credits) {
      this.owed.credit(account, amount);
      this.history.append(account, now, { credited: { job_id: jobId, amount, role } });
    }
  }
}
