// When a consumer may dispute a job's result, and what the audit's verdict rules. Pure: no 'azle' import.
import type { Principal } from '@dfinity/principal';

import type { Audit, DispatchRequest, Dispute, DisputeState, JobOutput } from './types';

/** How long after its result a job may be disputed; the request an audit needs is kept that long. */
export const DISPUTE_WINDOW_NS = 24n * 3_600n * 1_000_000_000n;

export type DisputeFacts = {
  caller: Principal;
  output: JobOutput | undefined;
  /** The settled request, kept within the window for single-replica jobs and redundant ones whose replicas agreed. */
  request: DispatchRequest | undefined;
  audit: Audit | undefined;
  dispute: Dispute | undefined;
  now: bigint;
};

/** Why the caller may not dispute the job, or undefined when it may. */
export function disputeProblem(facts: DisputeFacts): { Unauthorized: string } | { NotDisputable: string } | undefined {
  const { caller, output, request, audit, dispute, now } = facts;
  const refuse = (why: string) => ({ NotDisputable: why });
  if (output === undefined) return refuse('the job has no result at the bridge');
  if (output.consumer.compareTo(caller) !== 'eq') return { Unauthorized: 'only the job’s consumer may dispute it' };
  if (dispute !== undefined) return refuse(`the job was disputed before: ${Object.keys(dispute.state)[0]}`);
  if (audit !== undefined && audit.auditors.length === 2) return refuse(`the job was audited: ${audit.outcome}`);
  if (now > output.completed_at + DISPUTE_WINDOW_NS) return refuse('the dispute window (24 hours after the result) has closed');
  if (request === undefined)
    return refuse('the job is not open to dispute: an outside auditor decided its result, or it settled before redundant jobs could be disputed');
}

/**
 * The audit's ruling on the disputed runner: `dissenting` is the verification's list, or undefined when no
 * majority was found (too few auditors answered, or no answer had a majority).
 */
export function ruling(runner: Principal, dissenting: Principal[] | undefined): DisputeState {
  if (dissenting === undefined) return { undecided: null };
  return dissenting.some((node) => node.compareTo(runner) === 'eq') ? { upheld: null } : { rejected: null };
}

/** The disputes a provider's page lists: its newest ones. */
export const DISPUTES_LISTED = 50;

/** A provider's disputed job ids, oldest first, with `jobId` added and only the newest DISPUTES_LISTED kept. */
export const withDisputed = (jobIds: bigint[], jobId: bigint): bigint[] => [...jobIds, jobId].slice(-DISPUTES_LISTED);

/** Whether payment returns the deposit: an upheld or undecided dispute does; a rejected one forfeits it. */
export const returnsDeposit = (state: DisputeState): boolean => !('rejected' in state);
