// The payment canister's interface types, each an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';

import { Account } from '../ledger/types';

export const JobId = IDL.Nat64;
export type JobId = bigint;

// locked: transfer_from is in flight; held: the tokens are in the job's escrow subaccount;
// settled and refunded are final.
export const EscrowState = IDL.Variant({ locked: IDL.Null, held: IDL.Null, settled: IDL.Null, refunded: IDL.Null });
export type EscrowState = { locked: null } | { held: null } | { settled: null } | { refunded: null };

export const Escrow = IDL.Record({
  job_id: JobId,
  consumer: Account,
  amount: IDL.Nat,
  state: EscrowState,
  created_at: IDL.Nat64,
  updated_at: IDL.Nat64,
});
export type Escrow = { job_id: JobId; consumer: Account; amount: bigint; state: EscrowState; created_at: bigint; updated_at: bigint };

// How a settled job's escrow is shared, in basis points of what is left after the sweep fee.
export const Split = IDL.Record({ provider_bps: IDL.Nat16, treasury_bps: IDL.Nat16, creator_bps: IDL.Nat16 });
export type Split = { provider_bps: number; treasury_bps: number; creator_bps: number };

/** Who created the job's model and the royalty the model asks, in bps (see split.ts withRoyalty). */
export const Creator = IDL.Record({ account: Account, royalty_bps: IDL.Nat16 });
export type Creator = { account: Account; royalty_bps: number };

export const PaymentConfig = IDL.Record({ split: Split, treasury: Account, min_escrow: IDL.Nat });
export type PaymentConfig = { split: Split; treasury: Account; min_escrow: bigint };

// Why an escrow is refunded. A missed SLA refunds the share its offer declares; the others refund everything.
export const RefundReason = IDL.Variant({
  no_match: IDL.Null,
  failed: IDL.Null,
  timed_out: IDL.Null,
  sla_missed: IDL.Record({ refund_bps: IDL.Nat16 }),
});
export type RefundReason = { no_match: null } | { failed: null } | { timed_out: null } | { sla_missed: { refund_bps: number } };

export const Role = IDL.Variant({ provider: IDL.Null, creator: IDL.Null, treasury: IDL.Null });
export type Role = { provider: null } | { creator: null } | { treasury: null };

export const PaymentError = IDL.Variant({
  InvalidInput: IDL.Text,
  NotFound: IDL.Null,
  AlreadyEscrowed: IDL.Record({ state: EscrowState }),
  InvalidTransition: IDL.Record({ from: EscrowState, to: EscrowState }),
  AllowanceBusy: IDL.Record({ job_id: JobId }),
  BelowMinimum: IDL.Record({ minimum: IDL.Nat }),
  FeeTooHigh: IDL.Record({ fee: IDL.Nat, amount: IDL.Nat }),
  InsufficientOwed: IDL.Record({ owed: IDL.Nat }),
  Unauthorized: IDL.Text,
  LedgerNotSet: IDL.Null,
  LedgerError: IDL.Text,
});
export type PaymentError =
  | { InvalidInput: string }
  | { NotFound: null }
  | { AlreadyEscrowed: { state: EscrowState } }
  | { InvalidTransition: { from: EscrowState; to: EscrowState } }
  | { AllowanceBusy: { job_id: JobId } }
  | { BelowMinimum: { minimum: bigint } }
  | { FeeTooHigh: { fee: bigint; amount: bigint } }
  | { InsufficientOwed: { owed: bigint } }
  | { Unauthorized: string }
  | { LedgerNotSet: null }
  | { LedgerError: string };

export type Result<T> = { Ok: T } | { Err: PaymentError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: PaymentError });

// One line of an account's history. Amounts are what the account gained or lost, fees named apart.
export const HistoryEvent = IDL.Variant({
  escrowed: IDL.Record({ job_id: JobId, amount: IDL.Nat }),
  credited: IDL.Record({ job_id: JobId, amount: IDL.Nat, role: Role }),
  refunded: IDL.Record({ job_id: JobId, amount: IDL.Nat, fee: IDL.Nat }),
  deposited: IDL.Record({ job_id: JobId, amount: IDL.Nat }),
  deposit_returned: IDL.Record({ job_id: JobId, amount: IDL.Nat, fee: IDL.Nat }),
  withdrawn: IDL.Record({ amount: IDL.Nat, fee: IDL.Nat, block: IDL.Nat }),
  /** An auditor's reward for a job it re-ran and agreed on (see Payment.payAuditors). */
  audit_reward: IDL.Record({ job_id: JobId, amount: IDL.Nat }),
  /** What the treasury paid the auditors of a job. */
  audit_paid: IDL.Record({ job_id: JobId, amount: IDL.Nat }),
});
export type HistoryEvent =
  | { escrowed: { job_id: JobId; amount: bigint } }
  | { credited: { job_id: JobId; amount: bigint; role: Role } }
  | { refunded: { job_id: JobId; amount: bigint; fee: bigint } }
  | { deposited: { job_id: JobId; amount: bigint } }
  | { deposit_returned: { job_id: JobId; amount: bigint; fee: bigint } }
  | { withdrawn: { amount: bigint; fee: bigint; block: bigint } }
  | { audit_reward: { job_id: JobId; amount: bigint } }
  | { audit_paid: { job_id: JobId; amount: bigint } };

export const HistoryEntry = IDL.Record({ index: IDL.Nat64, at: IDL.Nat64, event: HistoryEvent });
export type HistoryEntry = { index: bigint; at: bigint; event: HistoryEvent };

export const Page = IDL.Record({ offset: IDL.Nat32, limit: IDL.Nat32 });
export type Page = { offset: number; limit: number };

export const HistoryPage = IDL.Record({ items: IDL.Vec(HistoryEntry), total: IDL.Nat64 });
export type HistoryPage = { items: HistoryEntry[]; total: bigint };
