// The ledger canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/ledger.did) and its TS shape. Used by the CLI, the worker and the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import * as T from '../../canisters/ledger/types';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    icrc1_name: IDL.Func([], [IDL.Text], ['query']),
    icrc1_symbol: IDL.Func([], [IDL.Text], ['query']),
    icrc1_decimals: IDL.Func([], [IDL.Nat8], ['query']),
    icrc1_fee: IDL.Func([], [IDL.Nat], ['query']),
    icrc1_metadata: IDL.Func([], [IDL.Vec(IDL.Tuple(IDL.Text, T.Value))], ['query']),
    icrc1_total_supply: IDL.Func([], [IDL.Nat], ['query']),
    icrc1_minting_account: IDL.Func([], [IDL.Opt(T.Account)], ['query']),
    icrc1_balance_of: IDL.Func([T.Account], [IDL.Nat], ['query']),
    icrc1_supported_standards: IDL.Func([], [IDL.Vec(T.StandardRecord)], ['query']),
    icrc1_transfer: IDL.Func([T.TransferArgs], [T.TransferResult], []),
    icrc2_approve: IDL.Func([T.ApproveArgs], [T.ApproveResult], []),
    icrc2_transfer_from: IDL.Func([T.TransferFromArgs], [T.TransferFromResult], []),
    icrc2_allowance: IDL.Func([T.AllowanceArgs], [T.Allowance], ['query']),
    get_transactions: IDL.Func([T.GetTransactionsRequest], [T.GetTransactionsResponse], ['query']),
  });

export type LedgerService = {
  version(): Promise<string>;
  icrc1_name(): Promise<string>;
  icrc1_symbol(): Promise<string>;
  icrc1_decimals(): Promise<number>;
  icrc1_fee(): Promise<bigint>;
  icrc1_metadata(): Promise<[string, T.Value][]>;
  icrc1_total_supply(): Promise<bigint>;
  icrc1_minting_account(): Promise<T.Opt<T.Account>>;
  icrc1_balance_of(account: T.Account): Promise<bigint>;
  icrc1_supported_standards(): Promise<T.StandardRecord[]>;
  icrc1_transfer(args: T.TransferArgs): Promise<T.TransferResult>;
  icrc2_approve(args: T.ApproveArgs): Promise<T.ApproveResult>;
  icrc2_transfer_from(args: T.TransferFromArgs): Promise<T.TransferFromResult>;
  icrc2_allowance(args: T.AllowanceArgs): Promise<T.Allowance>;
  get_transactions(request: T.GetTransactionsRequest): Promise<T.GetTransactionsResponse>;
};

export function account(owner: Principal, subaccount?: Uint8Array): T.Account {
  return { owner, subaccount: subaccount === undefined ? [] : [subaccount] };
}

export function transferArgs(to: T.Account, amount: bigint, extra: Partial<T.TransferArgs> = {}): T.TransferArgs {
  return { from_subaccount: [], to, amount, fee: [], memo: [], created_at_time: [], ...extra };
}

export function approveArgs(spender: T.Account, amount: bigint, extra: Partial<T.ApproveArgs> = {}): T.ApproveArgs {
  return { from_subaccount: [], spender, amount, expected_allowance: [], expires_at: [], fee: [], memo: [], created_at_time: [], ...extra };
}

export function transferFromArgs(
  from: T.Account,
  to: T.Account,
  amount: bigint,
  extra: Partial<T.TransferFromArgs> = {},
): T.TransferFromArgs {
  return { spender_subaccount: [], from, to, amount, fee: [], memo: [], created_at_time: [], ...extra };
}
