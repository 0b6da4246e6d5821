// Reservations: slots of an offer held for one consumer over a time window, paid up front.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { OfferId } from './offer_types';

export const ReservationRequest = IDL.Record({ offer: OfferId, slots: IDL.Nat32, start: IDL.Nat64, end: IDL.Nat64 });
/** `start` and `end` are nanoseconds since the epoch; the window is [start, end). */
export type ReservationRequest = { offer: OfferId; slots: number; start: bigint; end: bigint };

export const Reservation = IDL.Record({
  id: IDL.Nat64,
  consumer: IDL.Principal,
  offer: OfferId,
  slots: IDL.Nat32,
  start: IDL.Nat64,
  end: IDL.Nat64,
  price: IDL.Nat,
  /** Settled to the provider; until then the price sits in escrow and the sweep retries the settlement. */
  paid: IDL.Bool,
});
export type Reservation = {
  id: bigint;
  consumer: Principal;
  offer: OfferId;
  slots: number;
  start: bigint;
  end: bigint;
  price: bigint;
  paid: boolean;
};

export const ReservationError = IDL.Variant({
  InvalidInput: IDL.Text,
  Unauthorized: IDL.Text,
  OfferUnavailable: IDL.Text,
  /** The most slots still free at some instant of the window. */
  InsufficientCapacity: IDL.Record({ free: IDL.Nat32 }),
  NotConfigured: IDL.Text,
  /** The payment canister refused or could not be reached; its error in words. Nothing was reserved. */
  PaymentFailed: IDL.Text,
  /** Governance paused job intake: no new reservations either. */
  IntakePaused: IDL.Null,
});
export type ReservationError =
  | { InvalidInput: string }
  | { Unauthorized: string }
  | { OfferUnavailable: string }
  | { InsufficientCapacity: { free: number } }
  | { NotConfigured: string }
  | { PaymentFailed: string }
  | { IntakePaused: null };

export type ReservationResult<T> = { Ok: T } | { Err: ReservationError };
export const ReservationResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: ReservationError });
