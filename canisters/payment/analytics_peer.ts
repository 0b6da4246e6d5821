// What payment reports to analytics: each escrow as it closes, with where its tokens went (the payees' credits,
// the consumer's refund, the ledger's fees). Glue: imports azle.
import type { PaymentReport } from '../analytics/events';
import { analyticsReporter } from '../shared/analytics_reporter';
import { MEMORY } from './memory';
import type { RefundPlan } from './refunds';
import type { Escrow } from './types';

export const analytics = analyticsReporter(MEMORY.analytics);

/** The escrow closed as `plan` says: a settlement is a plan that refunds nothing. */
export function closingReport(escrow: Escrow, plan: RefundPlan, at: bigint): PaymentReport {
  const credits = plan.settlement?.credits ?? [];
  return {
    job_id: escrow.job_id,
    consumer: escrow.consumer.owner,
    escrow: escrow.amount,
    refund: plan.refund - plan.fee,
    ledger_fees: plan.fee + (plan.settlement?.fee ?? 0n),
    credits: credits.map(({ account, role, amount }) => ({ owner: account.owner, role, amount })),
    at,
  };
}

export function reportClosed(escrow: Escrow | undefined, plan: RefundPlan, at: bigint): void {
  if (escrow !== undefined) analytics.report([{ payment: closingReport(escrow, plan, at) }]);
}
