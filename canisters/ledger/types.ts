// The ledger's candid types as ICRC-1 and ICRC-2 define them (and the transaction log's, shaped like the
// DFINITY ICRC ledger's get_transactions), each declared as its IDL value and its TS type under one name.
// From @dfinity/candid (which azle re-exports) so tools outside the canister, like npm start, can use them.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

export type Opt<T> = [] | [T];

export const Subaccount = IDL.Vec(IDL.Nat8);
export type Subaccount = Uint8Array;

export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(Subaccount) });
export type Account = { owner: Principal; subaccount: Opt<Subaccount> };

export const Value = IDL.Variant({ Nat: IDL.Nat, Int: IDL.Int, Text: IDL.Text, Blob: IDL.Vec(IDL.Nat8) });
export type Value = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array };

export const StandardRecord = IDL.Record({ name: IDL.Text, url: IDL.Text });
export type StandardRecord = { name: string; url: string };

export const TransferArgs = IDL.Record({
  from_subaccount: IDL.Opt(Subaccount),
  to: Account,
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type TransferArgs = {
  from_subaccount: Opt<Subaccount>;
  to: Account;
  amount: bigint;
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
};

const GenericErrorRecord = IDL.Record({ error_code: IDL.Nat, message: IDL.Text });
export type GenericError = { GenericError: { error_code: bigint; message: string } };
// The errors every operation shares: the deduplication outcomes, a wrong fee and invalid input.
type CommonError =
  | { BadFee: { expected_fee: bigint } }
  | { InsufficientFunds: { balance: bigint } }
  | { TooOld: null }
  | { CreatedInFuture: { ledger_time: bigint } }
  | { Duplicate: { duplicate_of: bigint } }
  | { TemporarilyUnavailable: null }
  | GenericError;
const commonError = {
  BadFee: IDL.Record({ expected_fee: IDL.Nat }),
  InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
  TooOld: IDL.Null,
  CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
  Duplicate: IDL.Record({ duplicate_of: IDL.Nat }),
  TemporarilyUnavailable: IDL.Null,
  GenericError: GenericErrorRecord,
};

export const TransferError = IDL.Variant({ ...commonError, BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }) });
export type TransferError = CommonError | { BadBurn: { min_burn_amount: bigint } };

export const ApproveArgs = IDL.Record({
  from_subaccount: IDL.Opt(Subaccount),
  spender: Account,
  amount: IDL.Nat,
  expected_allowance: IDL.Opt(IDL.Nat),
  expires_at: IDL.Opt(IDL.Nat64),
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type ApproveArgs = {
  from_subaccount: Opt<Subaccount>;
  spender: Account;
  amount: bigint;
  expected_allowance: Opt<bigint>;
  expires_at: Opt<bigint>;
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
};

export const ApproveError = IDL.Variant({
  ...commonError,
  AllowanceChanged: IDL.Record({ current_allowance: IDL.Nat }),
  Expired: IDL.Record({ ledger_time: IDL.Nat64 }),
});
export type ApproveError = CommonError | { AllowanceChanged: { current_allowance: bigint } } | { Expired: { ledger_time: bigint } };

export const TransferFromArgs = IDL.Record({
  spender_subaccount: IDL.Opt(Subaccount),
  from: Account,
  to: Account,
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type TransferFromArgs = {
  spender_subaccount: Opt<Subaccount>;
  from: Account;
  to: Account;
  amount: bigint;
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
};

export const TransferFromError = IDL.Variant({
  ...commonError,
  BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }),
  InsufficientAllowance: IDL.Record({ allowance: IDL.Nat }),
});
export type TransferFromError = CommonError | { BadBurn: { min_burn_amount: bigint } } | { InsufficientAllowance: { allowance: bigint } };

export const AllowanceArgs = IDL.Record({ account: Account, spender: Account });
export type AllowanceArgs = { account: Account; spender: Account };

export const Allowance = IDL.Record({ allowance: IDL.Nat, expires_at: IDL.Opt(IDL.Nat64) });
export type Allowance = { allowance: bigint; expires_at: Opt<bigint> };

export const TransferResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferError });
export type TransferResult = { Ok: bigint } | { Err: TransferError };
export const ApproveResult = IDL.Variant({ Ok: IDL.Nat, Err: ApproveError });
export type ApproveResult = { Ok: bigint } | { Err: ApproveError };
export const TransferFromResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferFromError });
export type TransferFromResult = { Ok: bigint } | { Err: TransferFromError };

export const Mint = IDL.Record({ to: Account, amount: IDL.Nat, memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export type Mint = { to: Account; amount: bigint; memo: Opt<Uint8Array>; created_at_time: Opt<bigint> };

export const Burn = IDL.Record({
  from: Account,
  spender: IDL.Opt(Account),
  amount: IDL.Nat,
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type Burn = { from: Account; spender: Opt<Account>; amount: bigint; memo: Opt<Uint8Array>; created_at_time: Opt<bigint> };

export const Transfer = IDL.Record({
  from: Account,
  to: Account,
  spender: IDL.Opt(Account),
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type Transfer = {
  from: Account;
  to: Account;
  spender: Opt<Account>;
  amount: bigint;
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
};

export const Approve = IDL.Record({
  from: Account,
  spender: Account,
  amount: IDL.Nat,
  expected_allowance: IDL.Opt(IDL.Nat),
  expires_at: IDL.Opt(IDL.Nat64),
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export type Approve = {
  from: Account;
  spender: Account;
  amount: bigint;
  expected_allowance: Opt<bigint>;
  expires_at: Opt<bigint>;
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
};

export const Transaction = IDL.Record({
  kind: IDL.Text,
  mint: IDL.Opt(Mint),
  burn: IDL.Opt(Burn),
  transfer: IDL.Opt(Transfer),
  approve: IDL.Opt(Approve),
  timestamp: IDL.Nat64,
});
export type Transaction = {
  kind: 'mint' | 'burn' | 'transfer' | 'approve';
  mint: Opt<Mint>;
  burn: Opt<Burn>;
  transfer: Opt<Transfer>;
  approve: Opt<Approve>;
  timestamp: bigint;
};

export const GetTransactionsRequest = IDL.Record({ start: IDL.Nat, length: IDL.Nat });
export type GetTransactionsRequest = { start: bigint; length: bigint };

export const GetTransactionsResponse = IDL.Record({ log_length: IDL.Nat, first_index: IDL.Nat, transactions: IDL.Vec(Transaction) });
export type GetTransactionsResponse = { log_length: bigint; first_index: bigint; transactions: Transaction[] };

export const LedgerInit = IDL.Record({
  token_name: IDL.Text,
  token_symbol: IDL.Text,
  decimals: IDL.Opt(IDL.Nat8),
  transfer_fee: IDL.Nat,
  minting_account: Account,
  initial_balances: IDL.Vec(IDL.Tuple(Account, IDL.Nat)),
});
export type LedgerInit = {
  token_name: string;
  token_symbol: string;
  decimals: Opt<number>;
  transfer_fee: bigint;
  minting_account: Account;
  initial_balances: [Account, bigint][];
};
