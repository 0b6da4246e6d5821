// The payment canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/payment.did) and its TS shape. Used by the CLI, the worker and the tests.
import { IDL } from '@dfinity/candid';

import { Account, TransferArgs } from '../../canisters/ledger/types';
import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';
import { PeersUpdate, Refund, Settings, Settlement, WithdrawReceipt } from '../../canisters/payment/settings';
import type { Opt } from '../../canisters/payment/settings';
import { Creator, Escrow, HistoryPage, JobId, Page, PaymentConfig, RefundReason, Result } from '../../canisters/payment/types';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    get_config: IDL.Func([], [Settings], ['query']),
    set_config: IDL.Func([PaymentConfig], [Result(PaymentConfig)], []),
    owed_of: IDL.Func([Account], [IDL.Nat], ['query']),
    history: IDL.Func([Account, Page], [Result(HistoryPage)], ['query']),
    escrow_of: IDL.Func([JobId], [IDL.Opt(Escrow)], ['query']),
    pending_transfers: IDL.Func([], [IDL.Vec(TransferArgs)], ['query']),
    escrow: IDL.Func([JobId, Account, IDL.Nat], [Result(Escrow)], []),
    settle: IDL.Func([JobId, IDL.Vec(Account), Creator], [Result(Settlement)], []),
    refund: IDL.Func([JobId, RefundReason, IDL.Vec(Account), IDL.Opt(Creator)], [Result(Refund)], []),
    withdraw: IDL.Func([IDL.Nat, Account], [Result(WithdrawReceipt)], []),
    retry_pending: IDL.Func([], [Result(IDL.Nat32)], []),
    set_peers: IDL.Func([PeersUpdate], [Result(Settings)], []),
    withdraw_treasury: IDL.Func([IDL.Nat, Account], [Result(WithdrawReceipt)], []),
    hold_deposit: IDL.Func([JobId, Account, IDL.Nat], [Result(Escrow)], []),
    resolve_deposit: IDL.Func([JobId, IDL.Bool], [Result(Escrow)], []),
    deposit_of: IDL.Func([JobId], [IDL.Opt(Escrow)], ['query']),
    pay_auditors: IDL.Func([JobId, IDL.Vec(Account)], [Result(IDL.Nat)], []),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
  });

type R<T> = { Ok: T } | { Err: Record<string, unknown> };

export type PaymentService = {
  version(): Promise<string>;
  get_config(): Promise<Settings>;
  set_config(config: PaymentConfig): Promise<R<PaymentConfig>>;
  owed_of(account: Account): Promise<bigint>;
  history(account: Account, page: Page): Promise<R<HistoryPage>>;
  escrow_of(jobId: bigint): Promise<Opt<Escrow>>;
  deposit_of(jobId: bigint): Promise<Opt<Escrow>>;
  pay_auditors(jobId: bigint, auditors: Account[]): Promise<R<bigint>>;
  hold_deposit(jobId: bigint, consumer: Account, amount: bigint): Promise<R<Escrow>>;
  resolve_deposit(jobId: bigint, upheld: boolean): Promise<R<Escrow>>;
  pending_transfers(): Promise<TransferArgs[]>;
  escrow(jobId: bigint, consumer: Account, amount: bigint): Promise<R<Escrow>>;
  settle(jobId: bigint, providers: Account[], creator: Creator): Promise<R<Settlement>>;
  refund(jobId: bigint, reason: RefundReason, providers: Account[], creator: Opt<Creator>): Promise<R<Refund>>;
  withdraw(amount: bigint, to: Account): Promise<R<WithdrawReceipt>>;
  retry_pending(): Promise<R<number>>;
  set_peers(update: PeersUpdate): Promise<R<Settings>>;
  withdraw_treasury(amount: bigint, to: Account): Promise<R<WithdrawReceipt>>;
  claim_admin(): Promise<ClaimAdminResultT>;
};
