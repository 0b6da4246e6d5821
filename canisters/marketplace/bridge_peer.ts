// The call the marketplace makes to the bridge: hand a paid job over for dispatch to its nodes. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { BridgeError, DispatchRequest } from '../bridge/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const DispatchReply = IDL.Variant({ Ok: IDL.Null, Err: BridgeError });

export async function dispatch(bridge: Principal, request: DispatchRequest): Promise<CallOutcome<null>> {
  const reply = await callPeer<{ Ok: null } | { Err: BridgeError }>('bridge', bridge, 'dispatch', [DispatchRequest], DispatchReply, [
    request,
  ]);
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}
