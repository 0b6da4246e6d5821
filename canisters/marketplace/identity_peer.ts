// The call the marketplace makes to the identity canister. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Node } from '../identity/types';
import { callPeer, type CallOutcome } from '../shared/peer_call';
import type { ProviderStanding } from './match_types';

/** The identity canister's `standing` reply (canisters/identity/types.ts), declared here to keep the Wasm apart. */
const IdentityStanding = IDL.Record({
  certified: IDL.Bool,
  bonded: IDL.Nat,
  min_stake: IDL.Nat,
  reputation_bps: IDL.Nat16,
  matchable: IDL.Bool,
});
type IdentityStanding = { certified: boolean; bonded: bigint; min_stake: bigint; reputation_bps: number; matchable: boolean };

const Nodes = IDL.Vec(Node);

/** The provider's standing as identity knows it, or why the call failed, in words. */
export async function fetchStanding(identity: Principal, provider: Principal): Promise<CallOutcome<ProviderStanding>> {
  const reply = await callPeer<IdentityStanding>('identity', identity, 'standing', [IDL.Principal], IdentityStanding, [provider]);
  if ('Err' in reply) return reply;
  return { Ok: { certified: reply.Ok.certified, stake: reply.Ok.bonded, reputation_bps: reply.Ok.reputation_bps } };
}

/** Reputation one settled job earns each provider paid for it (identity caps a marketplace credit at 100 bps). */
export const JOB_CREDIT_BPS = 10;

/** The nodes identity says `provider` has claimed (retired ones excluded), or why the call failed. */
export async function claimedNodes(identity: Principal, provider: Principal): Promise<CallOutcome<Principal[]>> {
  const reply = await callPeer<Node[]>('identity', identity, 'nodes_of', [IDL.Principal], Nodes, [provider]);
  if ('Err' in reply) return reply;
  return { Ok: reply.Ok.filter((node) => 'claimed' in node.status).map((node) => node.id) };
}
