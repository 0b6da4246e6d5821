// The example consumer's interface types, each an IDL value and a TS type under one name. The market's own types
// (the job request, the quote, run_job's reply) are imported from canisters/, never written again here.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { JobOutcome } from '../../canisters/marketplace/job_notices';

/**
 * The canisters it pays and asks: the marketplace (quote, run_job), payment (the spender) and the ledger; and the
 * most one answer may cost in the ledger's base units (the job's max_price), so an ask never spends more.
 */
export const InitArg = IDL.Record({ marketplace: IDL.Principal, payment: IDL.Principal, ledger: IDL.Principal, max_price: IDL.Nat });
export type InitArg = { marketplace: Principal; payment: Principal; ledger: Principal; max_price: bigint };

/** An answer it keeps: the job that produced it, the prompt and the text. */
export const Answer = IDL.Record({ job_id: IDL.Nat64, prompt: IDL.Text, text: IDL.Text });
export type Answer = { job_id: bigint; prompt: string; text: string };

export const Asked = IDL.Record({ job_id: IDL.Nat64, text: IDL.Text });
export type Asked = { job_id: bigint; text: string };

/**
 * Why an ask failed. Before the job (Unauthorized, InvalidInput, Busy, NoOffer, ApproveFailed) nothing was paid but
 * perhaps the approve's fee; JobFailed comes after the job ran and was refunded by the market (its fees are lost);
 * Refused is the marketplace's own refusal of run_job (its error in words); CallFailed is a peer that could not be
 * reached, whose outcome may be unknown.
 */
export const AskError = IDL.Variant({
  Unauthorized: IDL.Text,
  InvalidInput: IDL.Text,
  Busy: IDL.Null,
  NoOffer: IDL.Text,
  ApproveFailed: IDL.Text,
  JobFailed: IDL.Record({ job_id: IDL.Nat64, reason: IDL.Text }),
  Refused: IDL.Text,
  CallFailed: IDL.Text,
});
export type AskError =
  | { Unauthorized: string }
  | { InvalidInput: string }
  | { Busy: null }
  | { NoOffer: string }
  | { ApproveFailed: string }
  | { JobFailed: { job_id: bigint; reason: string } }
  | { Refused: string }
  | { CallFailed: string };

export const AskReply = IDL.Variant({ Ok: Asked, Err: AskError });
export type AskReply = { Ok: Asked } | { Err: AskError };

/** ask_long's reply: the id of the job submitted, whose end the marketplace will tell on_job_end. */
export const AskLongReply = IDL.Variant({ Ok: IDL.Nat64, Err: AskError });
export type AskLongReply = { Ok: bigint } | { Err: AskError };

/** A long job's end, as the marketplace told it. */
export const Ended = IDL.Record({ job_id: IDL.Nat64, outcome: JobOutcome });
export type Ended = { job_id: bigint; outcome: JobOutcome };
