// The call identity makes to the marketplace: the standings that changed, and min_stake. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { AdminResult, StandingPush } from '../marketplace/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const PushReply = AdminResult(IDL.Null);

export async function pushStandings(marketplace: Principal, push: StandingPush): Promise<CallOutcome<null>> {
  const reply = await callPeer<{ Ok: null } | { Err: object }>('marketplace', marketplace, 'push_standings', [StandingPush], PushReply, [
    push,
  ]);
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}
