// The example's calls to the market, as any dapp canister makes them: quote a job, approve payment from the
// canister's own ledger account for the quote plus the fee, and run the job in one awaited call. Each failure comes
// back as the AskError the caller sees. A long job is submitted instead, with a notice asked for when it ends. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Account, ApproveArgs, ApproveResult } from '../../canisters/ledger/types';
import { Job, JobRequest, JobResult, JobRun } from '../../canisters/marketplace/job_types';
import { QuoteResult } from '../../canisters/marketplace/types';
import { ledgerFee } from '../../canisters/shared/icrc_ledger';
import { callPeer, describe } from '../../canisters/shared/peer_call';
import type { AskError } from './types';

// Built once: candid_cache.ts keys its cached type tables by these objects.
const RunReply = JobResult(JobRun);
const SubmitReply = JobResult(Job);
const NoticeReply = JobResult(IDL.Null);

type Outcome<T> = { Ok: T } | { Err: AskError };

/** The quoted total for `request` (one replica: its price). */
export async function quote(marketplace: Principal, request: JobRequest): Promise<Outcome<bigint>> {
  const reply = await callPeer<QuoteResult>('marketplace', marketplace, 'quote', [JobRequest], QuoteResult, [request]);
  if ('Err' in reply) return { Err: { CallFailed: reply.Err } };
  if ('Err' in reply.Ok) return { Err: { NoOffer: describe(reply.Ok.Err) } };
  return { Ok: reply.Ok.Ok.total };
}

/**
 * Lets `spender` take `total` plus the ledger's fee (what its transfer_from charges) from this canister's default
 * account. An approve replaces the allowance left by an earlier ask rather than adding to it.
 */
export async function approve(ledger: Principal, spender: Principal, total: bigint): Promise<Outcome<null>> {
  const fee = await ledgerFee(ledger);
  if ('Err' in fee) return { Err: { CallFailed: fee.Err } };
  const args: ApproveArgs = {
    from_subaccount: [],
    spender: { owner: spender, subaccount: [] } satisfies Account,
    amount: total + fee.Ok,
    expected_allowance: [],
    expires_at: [],
    fee: [],
    memo: [],
    created_at_time: [],
  };
  const reply = await callPeer<ApproveResult>('ledger', ledger, 'icrc2_approve', [ApproveArgs], ApproveResult, [args]);
  if ('Err' in reply) return { Err: { CallFailed: reply.Err } };
  if ('Err' in reply.Ok) return { Err: { ApproveFailed: describe(reply.Ok.Err) } };
  return { Ok: null };
}

/** run_job: the job ran inside the call; its id and text, or why not. */
export async function runJob(marketplace: Principal, request: JobRequest): Promise<Outcome<{ job_id: bigint; text: string }>> {
  const reply = await callPeer<JobResult<JobRun>>('marketplace', marketplace, 'run_job', [JobRequest], RunReply, [request]);
  if ('Err' in reply) return { Err: { CallFailed: reply.Err } };
  if ('Err' in reply.Ok) {
    const error = reply.Ok.Err;
    return { Err: 'JobFailed' in error ? { JobFailed: error.JobFailed } : { Refused: describe(error) } };
  }
  const { job, output } = reply.Ok.Ok;
  return { Ok: { job_id: job.id, text: output.text[0] ?? '' } };
}

/** submit_job: the job is paid and handed to a worker; its id, or why not. */
export async function submitJob(marketplace: Principal, request: JobRequest): Promise<Outcome<bigint>> {
  const reply = await callPeer<JobResult<Job>>('marketplace', marketplace, 'submit_job', [JobRequest], SubmitReply, [request]);
  if ('Err' in reply) return { Err: { CallFailed: reply.Err } };
  if ('Err' in reply.Ok) return { Err: { Refused: describe(reply.Ok.Err) } };
  return { Ok: reply.Ok.Ok.id };
}

/** notify_on_end: the marketplace will call this canister's `method` once when the job ends. */
export async function notifyOnEnd(marketplace: Principal, jobId: bigint, method: string): Promise<Outcome<null>> {
  const reply = await callPeer<JobResult<null>>('marketplace', marketplace, 'notify_on_end', [IDL.Nat64, IDL.Text], NoticeReply, [
    jobId,
    method,
  ]);
  if ('Err' in reply) return { Err: { CallFailed: reply.Err } };
  if ('Err' in reply.Ok) return { Err: { Refused: `job ${jobId} was submitted, but notify_on_end: ${describe(reply.Ok.Err)}` } };
  return { Ok: null };
}
