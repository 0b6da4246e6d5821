// The calls the bridge makes to identity (who owns a node) and the marketplace (a job's outcome). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Node } from '../identity/types';
import { Job, JobResult } from '../marketplace/job_types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const OptNode = IDL.Opt(Node);
const JobReply = JobResult(Job);

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

export async function reportCompleted(marketplace: Principal, jobId: bigint, outputSha256: Uint8Array): Promise<CallOutcome<null>> {
  return outcome(
    await callPeer('marketplace', marketplace, 'complete_job', [IDL.Nat64, IDL.Vec(IDL.Nat8)], JobReply, [jobId, outputSha256]),
  );
}

export async function reportFailed(marketplace: Principal, jobId: bigint, reason: string): Promise<CallOutcome<null>> {
  return outcome(await callPeer('marketplace', marketplace, 'fail_job', [IDL.Nat64, IDL.Text], JobReply, [jobId, reason.slice(0, 1_000)]));
}

function outcome(reply: CallOutcome<{ Ok: unknown } | { Err: unknown }>): CallOutcome<null> {
  if ('Err' in reply) return reply;
  const result = reply.Ok as { Ok: unknown } | { Err: object };
  return 'Ok' in result ? { Ok: null } : { Err: describe(result.Err) };
}
