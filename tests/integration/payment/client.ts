// The payment canister as the integration tests call it: an idlFactory built from the canister's own type
// declarations (the build checks those against candid/payment.did), its TS shape and its setup.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Account, TransferArgs } from '../../../canisters/ledger/types';
import { InitArg, PeersUpdate, Refund, Settings, Settlement, WithdrawReceipt } from '../../../canisters/payment/settings';
import type { Opt } from '../../../canisters/payment/settings';
import { DEFAULT_SPLIT } from '../../../canisters/payment/config';
import { Creator, Escrow, HistoryPage, JobId, Page, PaymentConfig, RefundReason, Result } from '../../../canisters/payment/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';

export const PAYMENT_WASM = '.azle/payment/payment.wasm';

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
  });

type R<T> = { Ok: T } | { Err: Record<string, unknown> };

export type PaymentService = {
  version(): Promise<string>;
  get_config(): Promise<Settings>;
  set_config(config: PaymentConfig): Promise<R<PaymentConfig>>;
  owed_of(account: Account): Promise<bigint>;
  history(account: Account, page: Page): Promise<R<HistoryPage>>;
  escrow_of(jobId: bigint): Promise<Opt<Escrow>>;
  pending_transfers(): Promise<TransferArgs[]>;
  escrow(jobId: bigint, consumer: Account, amount: bigint): Promise<R<Escrow>>;
  settle(jobId: bigint, providers: Account[], creator: Creator): Promise<R<Settlement>>;
  refund(jobId: bigint, reason: RefundReason, providers: Account[], creator: Opt<Creator>): Promise<R<Refund>>;
  withdraw(amount: bigint, to: Account): Promise<R<WithdrawReceipt>>;
  retry_pending(): Promise<R<number>>;
  set_peers(update: PeersUpdate): Promise<R<Settings>>;
  withdraw_treasury(amount: bigint, to: Account): Promise<R<WithdrawReceipt>>;
};

/** The creator of a job's model, on its default account, asking the whole creator share unless told otherwise. */
export function creatorOf(owner: Principal, royalty_bps = DEFAULT_SPLIT.creator_bps): Creator {
  return { account: { owner, subaccount: [] }, royalty_bps };
}

export const NO_ARG: InitArg = { admin: [], ledger: [], marketplace: [], bridge: [], split: [], treasury: [], min_escrow: [] };

export function encodeInitArg(arg: InitArg): Uint8Array {
  return new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]]));
}

/** Installs payment as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupPayment(network: LocalNetwork, deployer: Principal, arg?: Partial<InitArg>) {
  const installed = await network.setupCanister<PaymentService>({
    wasm: PAYMENT_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : encodeInitArg({ ...NO_ARG, ...arg }),
  });
  await network.tick();
  return installed;
}
