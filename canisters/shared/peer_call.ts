// One call to another canister whose failure is an expected outcome: a reject or a failed call comes back as
// words for the caller to act on, never as a trap. The call is raw, with Candid handled by candid_cache.ts, which
// builds and parses each signature's type table once. Glue: imports azle.
import { call, IDL, Principal } from 'azle';

import { decodeCandid, encodeCandid, variantCaseOf } from './candid_cache';
import { variantLabelOf } from './candid_peek';

/**
 * `notSent` marks a call that never left this canister (ic0.call_perform failed, too few cycles, arguments that do
 * not encode): the callee did nothing. Any other failure may come after the callee acted (SYS_UNKNOWN, a reject
 * after delivery, a reply that does not decode), so its outcome is unknown.
 */
export type CallOutcome<T> = { Ok: T } | { Err: string; notSent?: true };

export async function callPeer<T>(
  peer: string,
  canister: Principal,
  method: string,
  paramIdlTypes: IDL.Type[],
  returnIdlType: IDL.Type,
  args: unknown[],
): Promise<CallOutcome<T>> {
  const reply = await send(peer, canister, method, paramIdlTypes, args);
  if ('Err' in reply) return reply;
  try {
    return { Ok: decodeCandid([returnIdlType], reply.Ok)[0] as T };
  } catch (error) {
    return failure(peer, error);
  }
}

/**
 * A call whose reply is a Result the caller acts on only by its case: an Ok's value is not decoded (a reply may carry
 * a whole record the caller does not use), an Err's is, for its words, and `refused` marks it as the callee's answer
 * rather than a failed call.
 */
export async function callPeerForOutcome(
  peer: string,
  canister: Principal,
  method: string,
  paramIdlTypes: IDL.Type[],
  returnIdlType: IDL.Type,
  args: unknown[],
): Promise<{ Ok: null } | { Err: string; refused?: true; notSent?: true }> {
  const reply = await send(peer, canister, method, paramIdlTypes, args);
  if ('Err' in reply) return reply;
  try {
    if ((variantCaseOf(returnIdlType, reply.Ok) ?? variantLabelOf(reply.Ok, ['Ok', 'Err'])) === 'Ok') return { Ok: null };
    const result = decodeCandid([returnIdlType], reply.Ok)[0] as { Ok: unknown } | { Err: object };
    return 'Ok' in result ? { Ok: null } : { Err: describe(result.Err), refused: true };
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
  const reply = await send(peer, canister, method, paramIdlTypes, args);
  return 'Err' in reply ? reply : { Ok: null };
}

/** Sends the call and waits for its reply bytes, or says why there are none. */
async function send(
  peer: string,
  canister: Principal,
  method: string,
  paramIdlTypes: IDL.Type[],
  args: unknown[],
): Promise<{ Ok: Uint8Array } | { Err: string; notSent?: true }> {
  let encoded: Uint8Array;
  try {
    encoded = encodeCandid(paramIdlTypes, args);
  } catch (error) {
    return { ...failure(peer, error), notSent: true };
  }
  try {
    return { Ok: await call<Uint8Array, Uint8Array>(canister, method, { raw: true, args: encoded }) };
  } catch (error) {
    return failure(peer, error);
  }
}

// Errors azle throws before the call is handed to the system: the callee never saw it.
const NOT_SENT = new Set(['CallPerformFailed', 'InsufficientLiquidCycleBalance']);

function failure(peer: string, error: unknown): { Err: string; notSent?: true } {
  const e = error as { type?: string; rejectMessage?: string };
  const Err = `${peer} call failed: ${e.type ?? 'error'} ${e.rejectMessage ?? String(error)}`;
  return e.type !== undefined && NOT_SENT.has(e.type) ? { Err, notSent: true } : { Err };
}

/** A candid error variant in words: its name and fields, bigints as decimals. */
export function describe(value: object): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}
