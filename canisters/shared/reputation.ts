// Changing a provider's reputation in identity: the verification and bridge canisters lower it, the marketplace
// raises it for settled jobs (identity decides who may do which). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Reputation, Result as IdentityResult } from '../identity/types';
import { callPeer, describe, type CallOutcome } from './peer_call';

const ReputationReply = IdentityResult(Reputation);

export async function lowerReputation(identity: Principal, provider: Principal, bps: number, reason: string): Promise<CallOutcome<null>> {
  return changeReputation(identity, provider, -bps, reason);
}

export async function raiseReputation(identity: Principal, provider: Principal, bps: number, reason: string): Promise<CallOutcome<null>> {
  return changeReputation(identity, provider, bps, reason);
}

async function changeReputation(identity: Principal, provider: Principal, delta: number, reason: string): Promise<CallOutcome<null>> {
  const reply = await callPeer<{ Ok: Reputation } | { Err: object }>(
    'identity',
    identity,
    'update_reputation',
    [IDL.Principal, IDL.Int32, IDL.Text],
    ReputationReply,
    [provider, delta, reason],
  );
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: null } : { Err: describe(reply.Ok.Err) };
}
