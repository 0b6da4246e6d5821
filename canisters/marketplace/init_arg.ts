// Reads the optional init argument and turns it into the first settings.
import type { Principal } from '@dfinity/principal';

import { decodeOptionalArg } from '../shared/init_arg';
import { checkConfig, DEFAULT_CONFIG } from './config';
import { InitArg, type Settings } from './types';

export function decodeInitArg(bytes: Uint8Array): InitArg | undefined {
  return decodeOptionalArg<InitArg>(InitArg, bytes);
}

/** The admin named in the argument or else the installer; the peers named; the config given or the defaults. */
export function initialSettings(arg: InitArg | undefined, installer: Principal): Settings {
  const config = arg?.config[0] ?? DEFAULT_CONFIG;
  const problem = checkConfig(config);
  // An install with a bad argument must fail rather than start with a configuration the rules forbid.
  if (problem !== undefined) throw new Error(`marketplace init: ${problem}`);
  return {
    admin: arg?.admin[0] ?? installer,
    peers: {
      identity: arg?.identity ?? [],
      payment: arg?.payment ?? [],
      model_registry: arg?.model_registry ?? [],
      bridge: arg?.bridge ?? [],
      api: arg?.api ?? [],
    },
    config,
  };
}
