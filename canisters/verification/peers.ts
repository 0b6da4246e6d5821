// The calls verification makes to identity: a dissenter's stake, its slash and its reputation. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Reputation, Result as IdentityResult, SlashRecord, Stake } from '../identity/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const SlashReply = IdentityResult(SlashRecord);
const ReputationReply = IdentityResult(Reputation);

export async function bondedStake(identity: Principal, provider: Principal): Promise<CallOutcome<bigint>> {
  const stake = await callPeer<Stake>('identity', identity, 'get_stake', [IDL.Principal], Stake, [provider]);
  return 'Err' in stake ? stake : { Ok: stake.Ok.bonded };
}

export async function slash(identity: Principal, provider: Principal, amount: bigint, reason: string): Promise<CallOutcome<bigint>> {
  const reply = await callPeer<{ Ok: SlashRecord } | { Err: object }>(
    'identity',
    identity,
    'slash',
    [IDL.Principal, IDL.Nat, IDL.Text],
    SlashReply,
    [provider, amount, reason],
  );
  if ('Err' in reply) return reply;
  return 'Ok' in reply.Ok ? { Ok: reply.Ok.Ok.amount } : { Err: describe(reply.Ok.Err) };
}

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
