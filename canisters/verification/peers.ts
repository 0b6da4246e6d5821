// The calls verification makes to identity: a dissenter's stake and its slash (reputation: shared/reputation.ts).
// Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Result as IdentityResult, SlashRecord, Stake } from '../identity/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const SlashReply = IdentityResult(SlashRecord);

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
