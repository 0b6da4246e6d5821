// The calls the marketplace makes to the payment canister: escrow a job's price, settle it, refund it.
// Glue: imports azle. A refusal by payment and a failed call both come back as words in Err.
import { IDL, Principal } from 'azle';

import { Account } from '../ledger/types';
import { Refund, Settlement } from '../payment/settings';
import { Creator, Escrow, PaymentError, RefundReason } from '../payment/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

type PaymentReply<T> = { Ok: T } | { Err: PaymentError };

/** Payment's answer: Ok, or why not in words, with payment's own error when it refused (not when the call failed). */
export type PaymentOutcome<T> = { Ok: T } | { Err: string; refusal?: PaymentError };

// Built once: candid_cache.ts keys its cached type tables by these objects.
const EscrowReply = IDL.Variant({ Ok: Escrow, Err: PaymentError });
const SettleReply = IDL.Variant({ Ok: Settlement, Err: PaymentError });
const RefundReply = IDL.Variant({ Ok: Refund, Err: PaymentError });
const Accounts = IDL.Vec(Account);
const OptCreator = IDL.Opt(Creator);

function unwrap<T>(outcome: CallOutcome<PaymentReply<T>>): PaymentOutcome<T> {
  if ('Err' in outcome) return outcome;
  return 'Ok' in outcome.Ok ? { Ok: outcome.Ok.Ok } : { Err: describe(outcome.Ok.Err), refusal: outcome.Ok.Err };
}

/** Whether payment refused because the escrow already reached `state`: an earlier attempt landed. */
export function alreadyIn(outcome: PaymentOutcome<unknown>, state: 'settled' | 'refunded'): boolean {
  const refusal = 'Err' in outcome ? outcome.refusal : undefined;
  return refusal !== undefined && 'InvalidTransition' in refusal && state in refusal.InvalidTransition.from;
}

const own = (owner: Principal): Account => ({ owner, subaccount: [] });

export async function escrow(payment: Principal, id: bigint, consumer: Principal, amount: bigint): Promise<PaymentOutcome<Escrow>> {
  return unwrap(await callPeer('payment', payment, 'escrow', [IDL.Nat64, Account, IDL.Nat], EscrowReply, [id, own(consumer), amount]));
}

export async function settle(
  payment: Principal,
  id: bigint,
  providers: Principal[],
  creator: Creator,
): Promise<PaymentOutcome<Settlement>> {
  const args = [id, providers.map(own), creator];
  return unwrap(await callPeer('payment', payment, 'settle', [IDL.Nat64, Accounts, Creator], SettleReply, args));
}

/** Refunds as `reason` says; a partial refund (a missed SLA) settles the rest among `providers` and the creator. */
export async function refund(
  payment: Principal,
  id: bigint,
  reason: RefundReason,
  providers: Principal[] = [],
  creator?: Creator,
): Promise<PaymentOutcome<Refund>> {
  const args = [id, reason, providers.map(own), creator === undefined ? [] : [creator]];
  return unwrap(await callPeer('payment', payment, 'refund', [IDL.Nat64, RefundReason, Accounts, OptCreator], RefundReply, args));
}

export const creatorOf = (creator: Principal, royalty_bps: number): Creator => ({ account: own(creator), royalty_bps });
