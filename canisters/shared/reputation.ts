// Changing a provider's reputation in identity: the verification and bridge canisters lower it, the marketplace
// raises it for settled jobs (identity decides who may do which). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Reputation, Result as IdentityResult } from '../identity/types';
import { callPeerForOutcome, type CallOutcome } from './peer_call';

const ReputationReply = IdentityResult(Reputation);
const Params = [IDL.Principal, IDL.Int32, IDL.Text];

export async function lowerReputation(identity: Principal, provider: Principal, bps: number, reason: string): Promise<CallOutcome<null>> {
  return changeReputation(identity, provider, -bps, reason);
}

export async function raiseReputation(identity: Principal, provider: Principal, bps: number, reason: string): Promise<CallOutcome<null>> {
  return changeReputation(identity, provider, bps, reason);
}

// Identity replies with the provider's reputation and its history, which no caller uses: only the outcome is read.
async function changeReputation(identity: Principal, provider: Principal, delta: number, reason: string): Promise<CallOutcome<null>> {
  return callPeerForOutcome('identity', identity, 'update_reputation', Params, ReputationReply, [provider, delta, reason]);
}
