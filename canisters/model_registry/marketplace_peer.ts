// The call the registry makes to the marketplace: the models whose access changed. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { AdminResult } from '../marketplace/types';
import { ModelId } from '../shared/models';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const Ids = IDL.Vec(ModelId);
const Reply = AdminResult(IDL.Null);

export async function tellChanged(marketplace: Principal, ids: bigint[]): Promise<CallOutcome<null>> {
  const reply = await callPeer<{ Ok: null } | { Err: object }>('marketplace', marketplace, 'models_changed', [Ids], Reply, [ids]);
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}
