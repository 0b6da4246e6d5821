// Reads the optional init argument.
import { decodeOptionalArg } from '../shared/init_arg';

import { InitArg } from './settings';

export function decodeInitArg(bytes: Uint8Array): InitArg | undefined {
  return decodeOptionalArg<InitArg>(InitArg, bytes);
}
