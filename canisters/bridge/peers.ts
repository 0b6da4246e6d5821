// The calls the bridge makes to identity (who owns a node), the marketplace (a job's outcome, who may audit it),
// verification and payment (a dispute's deposit, the auditors' reward). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Node } from '../identity/types';
import { Job, JobResult } from '../marketplace/job_types';
import { AdminResult } from '../marketplace/types';
import { Result as VerificationResult, Verdict, VerifyRequest } from '../verification/types';
import { callPeer, callPeerForOutcome, describe, type CallOutcome } from '../shared/peer_call';
import { Account } from '../ledger/types';
import { Escrow, Result as PaymentResult } from '../payment/types';

const OptNode = IDL.Opt(Node);
const NodeList = IDL.Vec(Node);
const JobReply = JobResult(Job);
const VerifyReply = VerificationResult(Verdict);
const Nodes = IDL.Vec(IDL.Principal);
const DepositReply = PaymentResult(Escrow);
const CandidatesReply = JobResult(Nodes);
const RewardReply = PaymentResult(IDL.Nat);
const TargetsReply = AdminResult(Nodes);
const CompleteArgs = [IDL.Nat64, IDL.Vec(IDL.Nat8), Nodes];
const FailArgs = [IDL.Nat64, IDL.Text];

/** The provider that claimed `node`, or why there is none. */
export async function claimedBy(identity: Principal, node: Principal): Promise<CallOutcome<Principal>> {
  const reply = await callPeer<[] | [Node]>('identity', identity, 'get_node', [IDL.Principal], OptNode, [node]);
  if ('Err' in reply) return reply;
  const found = reply.Ok[0];
  if (found === undefined) return { Err: 'the caller is not a registered node' };
  if (!('claimed' in found.status) || found.provider[0] === undefined)
    return { Err: `the node is ${Object.keys(found.status)[0]}, not claimed` };
  return { Ok: found.provider[0] };
}

/** The nodes `provider` holds claimed in identity now. */
export async function claimedNodes(identity: Principal, provider: Principal): Promise<CallOutcome<Principal[]>> {
  const reply = await callPeer<Node[]>('identity', identity, 'nodes_of', [IDL.Principal], NodeList, [provider]);
  if ('Err' in reply) return reply;
  return { Ok: reply.Ok.filter((node) => 'claimed' in node.status).map((node) => node.id) };
}

/** The job's output is in; the providers of `paidNodes` (empty: every replica that ran) are paid. */
export function reportCompleted(
  marketplace: Principal,
  jobId: bigint,
  outputSha256: Uint8Array,
  paidNodes: Principal[],
): Promise<Reported> {
  return report(marketplace, 'complete_job', CompleteArgs, [jobId, outputSha256, paidNodes]);
}

/** Up to `count` nodes outside the job that may audit it, as the marketplace says (see its audit_candidates). */
export async function auditCandidates(marketplace: Principal, jobId: bigint, count: number): Promise<CallOutcome<Principal[]>> {
  const reply = await callPeer<{ Ok: Principal[] } | { Err: object }>(
    'marketplace',
    marketplace,
    'audit_candidates',
    [IDL.Nat64, IDL.Nat32],
    CandidatesReply,
    [jobId, count],
  );
  return unwrap(reply);
}

/** The nodes worth a health probe, as the marketplace says (see its probe_targets). */
export async function probeTargets(marketplace: Principal): Promise<CallOutcome<Principal[]>> {
  return unwrap(await callPeer<{ Ok: Principal[] } | { Err: object }>('marketplace', marketplace, 'probe_targets', [], TargetsReply, []));
}

export async function verify(verification: Principal, request: VerifyRequest): Promise<CallOutcome<Verdict>> {
  return unwrap(await callPeer('verification', verification, 'verify', [VerifyRequest], VerifyReply, [request]));
}

/** Has payment take the consumer's dispute deposit (the consumer approved payment for it plus the fee). */
export async function holdDeposit(payment: Principal, jobId: bigint, consumer: Principal, amount: bigint): Promise<CallOutcome<unknown>> {
  const args = [jobId, { owner: consumer, subaccount: [] }, amount];
  return unwrap(await callPeer('payment', payment, 'hold_deposit', [IDL.Nat64, Account, IDL.Nat], DepositReply, args));
}

/** Has payment return or forfeit a dispute's deposit: Ok once its transfer landed, so an Err is worth retrying. */
export async function resolveDeposit(payment: Principal, jobId: bigint, returned: boolean): Promise<CallOutcome<unknown>> {
  return unwrap(await callPeer('payment', payment, 'resolve_deposit', [IDL.Nat64, IDL.Bool], DepositReply, [jobId, returned]));
}

/** Has payment reward the auditors' providers who agreed with an audit's majority (see payment's pay_auditors). */
export async function payAuditors(payment: Principal, jobId: bigint, providers: Principal[]): Promise<CallOutcome<unknown>> {
  const args = [jobId, providers.map((owner) => ({ owner, subaccount: [] }))];
  return unwrap(await callPeer('payment', payment, 'pay_auditors', [IDL.Nat64, IDL.Vec(Account)], RewardReply, args));
}

/** A peer's `Result` reply as the call's outcome: its Ok value, or its error variant in words. */
function unwrap<T>(reply: CallOutcome<{ Ok: T } | { Err: object }>): CallOutcome<T> {
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: reply.Ok.Ok } : { Err: describe(reply.Ok.Err) };
}

export function reportFailed(marketplace: Principal, jobId: bigint, reason: string): Promise<Reported> {
  return report(marketplace, 'fail_job', FailArgs, [jobId, reason.slice(0, 1_000)]);
}

/** A report's fate: taken, refused by the marketplace (final), or not delivered (worth sending again). */
export type Reported = { Ok: null } | { Err: string; retry: boolean };

/** Sends a report. The marketplace replies with the whole job, which the bridge does not use: only the outcome is read. */
async function report(marketplace: Principal, method: string, types: IDL.Type[], args: unknown[]): Promise<Reported> {
  const outcome = await callPeerForOutcome('marketplace', marketplace, method, types, JobReply, args);
  return 'Ok' in outcome ? outcome : { Err: outcome.Err, retry: outcome.refused !== true };
}
