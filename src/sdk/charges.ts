// What paying for a job costs and what payment may take, by the rules of the payment canister's escrow: the SDK's
// client, the CLI and the web app's confirmation all price a job with these.
import type { JobRequest } from '../../canisters/marketplace/job_types';
import type { Quote } from '../../canisters/marketplace/types';

/**
 * What paying for a job costs the consumer, as the payment canister charges it: the price, the ledger fee of the
 * approve (icrc2_approve charges the approver one fee) and the fee of payment's transfer_from into escrow (charged
 * to the consumer's account on top of the amount, so the allowance must be price + fee).
 */
export type Charges = { amount: bigint; approveFee: bigint; transferFee: bigint; total: bigint; allowance: bigint };

export function escrowCharges(price: bigint, fee: bigint): Charges {
  return { amount: price, approveFee: fee, transferFee: fee, total: price + 2n * fee, allowance: price + fee };
}

/** The most payment may escrow for a request: each replica at its max_price; nothing for a reserved (prepaid) job. */
export const escrowCeiling = (request: JobRequest): bigint =>
  request.reservation.length === 1 ? 0n : BigInt(request.redundancy) * request.max_price;

/** The request as submitted after a quote: no replica may cost more than the dearest one quoted. */
export function pricedRequest(request: JobRequest, quote: Quote): JobRequest {
  const max = quote.chosen.reduce((m, c) => (c.quote > m ? c.quote : m), 0n);
  return { ...request, max_price: max };
}
