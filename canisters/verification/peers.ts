// The calls verification makes to identity: a dissenter's stake and its slash (reputation: shared/reputation.ts).
// Glue: imports azle.
import { IDL, Principal } from 'azle';

import { totalStake } from '../identity/stake';
import { Result as IdentityResult, SlashRecord, Stake } from '../identity/types';
import { callPeer, describe, type CallOutcome } from '../shared/peer_call';

const SlashReply = IdentityResult(SlashRecord);

/**
 * What a slash can reach, by identity's own rule: bonded plus unbonding stake, so a provider that unbonds right after
 * a match is still slashed on the stake it had then (unbonding cannot be withdrawn before the delay).
 */
export async function slashableStake(identity: Principal, provider: Principal): Promise<CallOutcome<bigint>> {
  const stake = await callPeer<Stake>('identity', identity, 'get_stake', [IDL.Principal], Stake, [provider]);
  return 'Err' in stake ? stake : { Ok: totalStake(stake.Ok) };
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
