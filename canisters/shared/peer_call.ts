// One call to another canister whose failure is an expected outcome: a reject or a failed call comes back as
// words for the caller to act on, never as a trap. The call is raw, with Candid handled by candid_cache.ts, which
// builds and parses each signature's type table once. Glue: imports azle.
import { call, IDL, Principal } from 'azle';

import { decodeCandid, encodeCandid } from './candid_cache';

export type CallOutcome<T> = { Ok: T } | { Err: string };

export async function callPeer<T>(
  peer: string,
  canister: Principal,
  method: string,
  paramIdlTypes: IDL.Type[],
  returnIdlType: IDL.Type,
  args: unknown[],
): Promise<CallOutcome<T>> {
  try {
    const reply = await call<Uint8Array, Uint8Array>(canister, method, { raw: true, args: encodeCandid(paramIdlTypes, args) });
    return { Ok: decodeCandid([returnIdlType], reply)[0] as T };
  } catch (error) {
    return failure(peer, error);
  }
}

/** The same for a method that replies with no values (the management canister's install_code, update_settings). */
export async function callPeerNoReply(
  peer: string,
  canister: Principal,
  method: string,
  paramIdlTypes: IDL.Type[],
  args: unknown[],
): Promise<CallOutcome<null>> {
  try {
    await call<Uint8Array, Uint8Array>(canister, method, { raw: true, args: encodeCandid(paramIdlTypes, args) });
    return { Ok: null };
  } catch (error) {
    return failure(peer, error);
  }
}

function failure(peer: string, error: unknown): { Err: string } {
  const e = error as { type?: string; rejectMessage?: string };
  return { Err: `${peer} call failed: ${e.type ?? 'error'} ${e.rejectMessage ?? String(error)}` };
}

/** A candid error variant in words: its name and fields, bigints as decimals. */
export function describe(value: object): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}
