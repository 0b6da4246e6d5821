// Auditors drawn from outside a job: who may re-run it (the marketplace's candidates in a random order) and the
// reward of those who agreed with the majority. What the dispute desk's audits and the dispatcher's third run on
// a redundancy-2 split share. Pure: the marketplace, payment and randomness come in as AuditorDeps.
import type { Principal } from '@dfinity/principal';

import type { CallOutcome } from '../shared/peer_call';
import type { Endpoint } from './types';

export type AuditorDeps = {
  endpointOf(node: Principal): Endpoint | undefined;
  /** The marketplace's nodes that may audit the job: eligible providers' serving its model, none of the job's. */
  auditCandidates(jobId: bigint, count: number): Promise<CallOutcome<Principal[]>>;
  /** A uniform draw in [0, bound). */
  randomBelow(bound: number): number;
  /** Has payment reward the providers of the auditors who agreed with the majority (once per job, from the treasury). */
  payAuditors(jobId: bigint, providers: Principal[]): Promise<CallOutcome<unknown>>;
};

/** Candidates asked of the marketplace for one re-run (its most): the wider the pool, the harder to be drawn on purpose. */
export const AUDIT_CANDIDATES = 16;

/**
 * The order in which candidates are asked to re-run a job: a random one, leaving out nodes without an endpoint,
 * the job's own nodes, any node of a provider that holds one of them (the runner's included), and a second node
 * of one provider, so neither the job's colluding spares nor one operator twice can outvote the runner.
 */
export function auditOrder(
  candidates: Principal[],
  job: Principal[],
  endpointOf: (node: Principal) => Endpoint | undefined,
  randomBelow: (bound: number) => number,
): Endpoint[] {
  const excluded = new Set(job.map((node) => node.toText()));
  const providers = new Set(job.flatMap((node) => endpointOf(node)?.provider.toText() ?? []));
  const eligible: Endpoint[] = [];
  for (const node of candidates) {
    const endpoint = endpointOf(node);
    if (endpoint === undefined || excluded.has(node.toText()) || providers.has(endpoint.provider.toText())) continue;
    providers.add(endpoint.provider.toText());
    eligible.push(endpoint);
  }
  // Fisher-Yates: every order equally likely.
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
  }
  return eligible;
}

/** The outside nodes to ask, in the order to ask them (auditOrder), or why the marketplace named none. */
export async function outsideAuditors(deps: AuditorDeps, jobId: bigint, job: Principal[]): Promise<CallOutcome<Endpoint[]>> {
  const candidates = await deps.auditCandidates(jobId, AUDIT_CANDIDATES);
  if ('Err' in candidates) return candidates;
  return { Ok: auditOrder(candidates.Ok, job, deps.endpointOf, (bound) => deps.randomBelow(bound)) };
}

/**
 * Rewards the auditors that agreed (none of `dissenting`). Only an answer that agreed is paid, so dissenting, or
 * answering at random, earns nothing. A reward that fails is not retried: like a reputation credit, it is not
 * money anyone was owed.
 */
export async function rewardAgreeing(deps: AuditorDeps, jobId: bigint, auditors: Endpoint[], dissenting: Principal[]): Promise<void> {
  const agreed = auditors.filter(({ node }) => !dissenting.some((other) => other.compareTo(node) === 'eq'));
  if (agreed.length > 0)
    await deps.payAuditors(
      jobId,
      agreed.map(({ provider }) => provider),
    );
}
