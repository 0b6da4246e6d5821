// An optional init argument. Deployments that pass none (dfx without --argument, an empty install)
// send no bytes or candid with no values, which @dfinity/candid refuses to decode as a missing opt.
import { IDL } from '@dfinity/candid';

/** Decodes `opt T` from an init argument, or undefined when no argument was passed. */
export function decodeOptionalArg<T>(type: IDL.Type, bytes: Uint8Array): T | undefined {
  if (bytes.length === 0 || isEmptyCandid(bytes)) return undefined;
  const [arg] = IDL.decode([IDL.Opt(type)], Uint8Array.from(bytes)) as unknown as [[] | [T]];
  return arg[0];
}

// "DIDL", an empty type table and zero values.
const NO_VALUES = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x00];

function isEmptyCandid(bytes: Uint8Array): boolean {
  return bytes.length === NO_VALUES.length && NO_VALUES.every((b, i) => bytes[i] === b);
}
