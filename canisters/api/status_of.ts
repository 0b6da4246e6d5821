// The marketplace's refusals and failures as the HTTP statuses OpenAI clients act on: 402 for money the owner must
// approve or hold, 404 for a model, 503 when no provider can take the job, 504 when the worker timed out, 502 for
// any other failure of the job or a peer. Never 409: clients retry it. Pure.
import type { JobError } from '../marketplace/job_types';
import type { NoMatch } from '../marketplace/match_types';
import { apiError, badRequest, type ApiError } from './errors';

/** What a 402 tells the owner: the payment canister to approve, and for how much this job needs. */
export type PaymentContext = { payment: string; needed: bigint };

const modelNotFound = (model: string): ApiError =>
  apiError(404, `The model '${model}' does not exist or you do not have access to it`, 'invalid_request_error', 'model', 'model_not_found');

export const noProvider = (detail: string): ApiError =>
  apiError(503, `No provider can run this job now: ${detail}`, 'server_error', null, 'no_provider');

export const peerFailed = (detail: string): ApiError =>
  apiError(502, `The market could not run the job: ${detail}`, 'server_error', null, 'upstream_error');

export function noMatchWords(n: NoMatch): string {
  return `${n.eligible} eligible of the ${n.needed} needed (${n.offers.length + Number(n.more_offers)} live offers of the model)`;
}

export function statusOf(error: JobError, model: string, pay: PaymentContext): ApiError {
  if ('InvalidInput' in error) return badRequest(error.InvalidInput);
  if ('UnknownModel' in error || 'ModelNotAllowed' in error) return modelNotFound(model);
  if ('NoMatch' in error) return noProvider(noMatchWords(error.NoMatch));
  if ('PaymentFailed' in error) return paymentStatus(error.PaymentFailed, pay);
  if ('IntakePaused' in error)
    return apiError(503, 'Job intake is paused by governance; running jobs finish', 'server_error', null, 'intake_paused');
  if ('Busy' in error)
    return { ...apiError(503, 'The market is busy with this job; try again', 'server_error', null, 'busy'), retryAfter: 1 };
  if ('NotConfigured' in error) return apiError(503, `The market is not fully configured: ${error.NotConfigured}`, 'server_error');
  if ('RegistryUnavailable' in error)
    return apiError(503, `The model registry cannot be reached: ${error.RegistryUnavailable}`, 'server_error');
  if ('JobFailed' in error) {
    const { job_id, reason } = error.JobFailed;
    const refunded = `job ${job_id}, its price refunded to you`;
    if (/timed out/i.test(reason)) return apiError(504, `The worker timed out (${refunded}): ${reason}`, 'server_error', null, 'timeout');
    return apiError(502, `The worker failed (${refunded}): ${reason}`, 'server_error', null, 'worker_error');
  }
  // NotFound (an output not read back), Unauthorized (a misnamed peer), InvalidTransition: the market's fault.
  return peerFailed(`the marketplace answered ${Object.keys(error)[0]}`);
}

/**
 * A refused escrow. The owner's allowance to payment or balance too small is 402, naming what to approve; payment
 * busy with another escrow of the same owner is a 429 to retry; anything else a 502.
 */
export function paymentStatus(words: string, { payment, needed }: PaymentContext): ApiError {
  if (/InsufficientAllowance|InsufficientFunds|AllowanceExpired/.test(words))
    return apiError(
      402,
      `The key's owner must hold and approve more: this job needs ${needed} base units (its price and the ledger fee) ` +
        `approved to the payment canister ${payment} (icrc2_approve), and as much in balance. The ledger said: ${words}`,
      'insufficient_quota',
      null,
      'payment_required',
    );
  if (/AllowanceBusy/.test(words))
    return {
      ...apiError(429, "Another request of this key's owner is taking its payment now; retry", 'requests', null, 'allowance_busy'),
      retryAfter: 1,
    };
  return peerFailed(`payment: ${words}`);
}
