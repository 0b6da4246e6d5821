// Who may call a method, in one place for every canister: the admin (governance after the hand-over), a named peer
// canister, or either. Pure: the caller is passed in, so rules are unit-tested without a canister.
import type { Principal } from '@dfinity/principal';

type Named = Principal | undefined;

/** True when `caller` is one of `allowed` (an unnamed peer, undefined or [], allows nobody). */
export function isOneOf(caller: Principal, ...allowed: (Named | [] | [Principal])[]): boolean {
  return allowed.some((entry) => {
    const principal = Array.isArray(entry) ? entry[0] : entry;
    return principal !== undefined && principal.compareTo(caller) === 'eq';
  });
}

/** Why `caller` may not call a method kept for `who` (its words), or undefined when it may. */
export function guard(caller: Principal, who: string, ...allowed: (Named | [] | [Principal])[]): string | undefined {
  return isOneOf(caller, ...allowed) ? undefined : `only ${who} may call this`;
}
