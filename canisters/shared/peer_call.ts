// One call to another canister whose failure is an expected outcome: a reject or a failed call comes back as
// words for the caller to act on, never as a trap. Glue: imports azle.
import { call, IDL, Principal } from 'azle';

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
    return { Ok: await call<unknown[], T>(canister, method, { paramIdlTypes, returnIdlType, args }) };
  } catch (error) {
    const e = error as { type?: string; rejectMessage?: string };
    return { Err: `${peer} call failed: ${e.type ?? 'error'} ${e.rejectMessage ?? String(error)}` };
  }
}

/** A candid error variant in words: its name and fields, bigints as decimals. */
export function describe(value: object): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}
