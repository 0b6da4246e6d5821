// Lowering a provider's reputation in identity, which only the verification and bridge canisters may do.
// Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Reputation, Result as IdentityResult } from '../identity/types';
import { callPeer, describe, type CallOutcome } from './peer_call';

const ReputationReply = IdentityResult(Reputation);

export async function lowerReputation(identity: Principal, provider: Principal, bps: number, reason: string): Promise<CallOutcome<null>> {
  const args = [provider, -bps, reason];
  const reply = await callPeer<{ Ok: Reputation } | { Err: object }>(
    'identity',
    identity,
    'update_reputation',
    [IDL.Principal, IDL.Int32, IDL.Text],
    ReputationReply,
    args,
  );
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}
