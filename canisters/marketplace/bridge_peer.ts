// The calls the marketplace makes to the bridge: hand a paid job over for dispatch to its nodes, or have it run
// inside the call (run_job). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { BridgeError, DispatchRequest, JobOutput } from '../bridge/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const DispatchReply = IDL.Variant({ Ok: IDL.Null, Err: BridgeError });
const OutputReply = IDL.Variant({ Ok: JobOutput, Err: BridgeError });
type OutputReply = { Ok: JobOutput } | { Err: BridgeError };

export async function dispatch(bridge: Principal, request: DispatchRequest): Promise<CallOutcome<null>> {
  const reply = await callPeer<{ Ok: null } | { Err: BridgeError }>('bridge', bridge, 'dispatch', [DispatchRequest], DispatchReply, [
    request,
  ]);
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}

/** What the bridge's run answered: the output, the job ran and failed (`Failed`, reported already), or no run. */
export type RunOutcome = { Ok: JobOutput } | { Failed: string } | { Err: string };

export async function run(bridge: Principal, request: DispatchRequest): Promise<RunOutcome> {
  const reply = await callPeer<OutputReply>('bridge', bridge, 'run', [DispatchRequest], OutputReply, [request]);
  if ('Err' in reply) return reply;
  if ('Ok' in reply.Ok) return { Ok: reply.Ok.Ok };
  return 'RunFailed' in reply.Ok.Err ? { Failed: reply.Ok.Err.RunFailed } : { Err: describe(reply.Ok.Err) };
}

/** The output the bridge stored for a job (the marketplace may read any). */
export async function outputOf(bridge: Principal, jobId: bigint): Promise<CallOutcome<JobOutput>> {
  const reply = await callPeer<OutputReply>('bridge', bridge, 'get_output', [IDL.Nat64], OutputReply, [jobId]);
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: reply.Ok.Ok } : { Err: describe(reply.Ok.Err) };
}
