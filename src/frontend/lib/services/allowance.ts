// When a job's confirmation warns about payment's allowance. ICRC-2's approve sets the allowance rather than adding
// to it, so the allowance before the confirmation does not matter: after it, payment may take exactly the amount
// approved. That runs short in two cases only: the market's prices rise between the quote and the match (the
// marketplace escrows the quotes at submission, each up to the request's max_price), or a job of the user's is still
// having its escrow taken (state submitted) and this approval replaces the allowance it is drawing on.
import type { Job, JobRequest } from '../../../../canisters/marketplace/job_types';
import { escrowCeiling } from '../../../sdk/charges';
import type { Actors } from '../api/actors';
import * as marketApi from '../api/marketplace';
import { formatToken, type Token } from '../format/amount';
import type { Charges } from '../../../sdk/charges';
import { attempt, fromResult, success, type Outcome } from './outcome';

export { escrowCeiling };

/** The warnings for confirming `request` with `charges`, given the user's jobs whose escrow is still being taken. */
export function allowanceWarnings(charges: Charges, request: JobRequest, inFlight: Job[], token: Token): string[] {
  const warnings: string[] = [];
  const ceiling = escrowCeiling(request) + charges.transferFee;
  if (ceiling > charges.allowance)
    warnings.push(
      `If prices rise before your job is matched, payment may need up to ${formatToken(ceiling, token)}, more than the ${formatToken(charges.allowance, token)} this approval allows: the job would then be refused and only the approval’s fee spent.`,
    );
  const pending = inFlight.filter((job) => escrowCeiling(job.request) > 0n);
  if (pending.length > 0) {
    const ids = pending.map((job) => job.id).join(', ');
    const [jobs, it] = pending.length === 1 ? [`job ${ids}`, 'it is'] : [`jobs ${ids}`, 'they are'];
    warnings.push(
      `Payment is still taking the escrow of your ${jobs}; this approval replaces the allowance it draws on with ${formatToken(charges.allowance, token)}, so a job may run short. Wait until ${it} matched.`,
    );
  }
  return warnings;
}

/** The user's jobs whose escrow is being taken now: they are among the newest, so the first page is enough. */
export async function loadInFlightJobs(a: Actors, host?: string): Promise<Outcome<Job[]>> {
  return attempt(async () => {
    const page = fromResult('marketplace', await marketApi.listJobs(a, 0n));
    return page.ok ? success(page.value.jobs.filter((job) => 'submitted' in job.state)) : page;
  }, host);
}
