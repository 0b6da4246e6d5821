// Reads the optional init argument. Deployments that pass none (dfx without --argument, `npm start`) send
// candid with no values, which @dfinity/candid refuses to decode as a missing opt, so that case is told apart here.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { InitArg, type Settings } from './types';
import { DEFAULT_ROYALTY_CAP_BPS, checkRoyaltyCap } from './validation';

// "DIDL", an empty type table and zero values.
const NO_ARGUMENTS = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x00];

export function decodeInitArg(bytes: Uint8Array): InitArg | undefined {
  if (bytes.length === 0 || (bytes.length === NO_ARGUMENTS.length && NO_ARGUMENTS.every((b, i) => bytes[i] === b))) return;
  const [arg] = IDL.decode([IDL.Opt(InitArg)], Uint8Array.from(bytes)) as unknown as [[] | [InitArg]];
  return arg[0];
}

/** The first settings: the admin named in the argument or else the installer, and the cap asked for or the default. */
export function initialSettings(arg: InitArg | undefined, installer: Principal): Settings {
  const cap = arg?.royalty_cap_bps[0] ?? DEFAULT_ROYALTY_CAP_BPS;
  const problem = checkRoyaltyCap(cap);
  // An install with a bad argument must fail rather than start with a cap the rules forbid.
  if (problem !== undefined) throw new Error(`model_registry init: ${problem}`);
  return { admin: arg?.admin[0] ?? installer, royalty_cap_bps: cap };
}
