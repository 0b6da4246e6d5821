// The faucet's interface types, each an IDL value and a TS type under one name. From @dfinity/candid (which azle
// re-exports) so the SDK, the CLI and the tests use them outside the canister.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export type Opt<T> = [] | [T];

/**
 * What a claim sends and how much may go out, in the ledger's base units: each claim sends `amount` (the faucet
 * pays the transfer fee); a principal gets at most `per_principal_daily` a day and everyone together `daily`.
 * Days are UTC days of the network's time.
 */
export const FaucetConfig = IDL.Record({ amount: IDL.Nat, per_principal_daily: IDL.Nat, daily: IDL.Nat });
export type FaucetConfig = { amount: bigint; per_principal_daily: bigint; daily: bigint };

export const Settings = IDL.Record({ admin: IDL.Principal, ledger: IDL.Opt(IDL.Principal), config: FaucetConfig });
export type Settings = { admin: Principal; ledger: Opt<Principal>; config: FaucetConfig };

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  ledger: IDL.Opt(IDL.Principal),
  config: IDL.Opt(FaucetConfig),
});
export type InitArg = { admin: Opt<Principal>; ledger: Opt<Principal>; config: Opt<FaucetConfig> };

/** What one principal or everyone has claimed on `day` (days since the epoch, UTC). */
export const Tally = IDL.Record({ day: IDL.Nat64, claimed: IDL.Nat, claims: IDL.Nat32 });
export type Tally = { day: bigint; claimed: bigint; claims: number };

export const Claimed = IDL.Record({
  amount: IDL.Nat,
  /** The ledger block of the transfer. */
  block: IDL.Nat,
  /** How much more the caller may claim today, and when its next claim is possible (now, or the next day). */
  remaining_today: IDL.Nat,
  next_claim_at: IDL.Nat64,
});
export type Claimed = { amount: bigint; block: bigint; remaining_today: bigint; next_claim_at: bigint };

/** What `who` may claim now: the amount, what it claimed today, and when its next claim is possible. */
export const ClaimStatus = IDL.Record({
  amount: IDL.Nat,
  claimed_today: IDL.Nat,
  remaining_today: IDL.Nat,
  available_now: IDL.Bool,
  next_claim_at: IDL.Nat64,
});
export type ClaimStatus = { amount: bigint; claimed_today: bigint; remaining_today: bigint; available_now: boolean; next_claim_at: bigint };

export const FaucetError = IDL.Variant({
  /** The anonymous principal, or someone other than the admin for set_config. */
  Unauthorized: IDL.Text,
  InvalidInput: IDL.Text,
  /** This principal took its share of the day; `next_claim_at` (ns since the epoch) is when the next day starts. */
  PrincipalLimitReached: IDL.Record({ claimed_today: IDL.Nat, next_claim_at: IDL.Nat64, message: IDL.Text }),
  /** Everyone together took the day's amount. */
  DailyLimitReached: IDL.Record({ next_claim_at: IDL.Nat64, message: IDL.Text }),
  /** The faucet's own balance cannot pay the amount and the fee: it needs funding (npm start tops it up). */
  Empty: IDL.Record({ balance: IDL.Nat }),
  /** A claim of this principal is in flight. */
  Busy: IDL.Null,
  NotConfigured: IDL.Text,
  LedgerError: IDL.Text,
});
export type FaucetError =
  | { Unauthorized: string }
  | { InvalidInput: string }
  | { PrincipalLimitReached: { claimed_today: bigint; next_claim_at: bigint; message: string } }
  | { DailyLimitReached: { next_claim_at: bigint; message: string } }
  | { Empty: { balance: bigint } }
  | { Busy: null }
  | { NotConfigured: string }
  | { LedgerError: string };

export type Result<T> = { Ok: T } | { Err: FaucetError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: FaucetError });
