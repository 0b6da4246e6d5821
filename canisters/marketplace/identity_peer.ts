// The call the marketplace makes to the identity canister. Glue: imports azle.
import { call, IDL, Principal } from 'azle';

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

/** The provider's standing as identity knows it, or why the call failed, in words. */
export async function fetchStanding(identity: Principal, provider: Principal): Promise<{ Ok: ProviderStanding } | { Err: string }> {
  try {
    const reply = await call<[Principal], IdentityStanding>(identity, 'standing', {
      paramIdlTypes: [IDL.Principal],
      returnIdlType: IdentityStanding,
      args: [provider],
    });
    return { Ok: { certified: reply.certified, stake: reply.bonded, reputation_bps: reply.reputation_bps } };
  } catch (error) {
    // A rejected or failed call is an expected outcome, not a trap.
    const e = error as { type?: string; rejectMessage?: string };
    return { Err: `identity call failed: ${e.type ?? 'error'} ${e.rejectMessage ?? String(error)}` };
  }
}
