// Reads the optional init argument and turns it into the first settings.
import type { Principal } from '@dfinity/principal';

import { decodeOptionalArg } from '../shared/init_arg';

import { InitArg, type Settings } from './types';
import { DEFAULT_ROYALTY_CAP_BPS, checkRoyaltyCap } from './validation';

export function decodeInitArg(bytes: Uint8Array): InitArg | undefined {
  return decodeOptionalArg<InitArg>(InitArg, bytes);
}

/** The first settings: the admin named in the argument or else the installer, and the cap asked for or the default. */
export function initialSettings(arg: InitArg | undefined, installer: Principal): Settings {
  const cap = arg?.royalty_cap_bps[0] ?? DEFAULT_ROYALTY_CAP_BPS;
  const problem = checkRoyaltyCap(cap);
  // An install with a bad argument must fail rather than start with a cap the rules forbid.
  if (problem !== undefined) throw new Error(`model_registry init: ${problem}`);
  return { admin: arg?.admin[0] ?? installer, royalty_cap_bps: cap };
}
