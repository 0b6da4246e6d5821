// How a key is kept in stable memory: Candid of StoredKey. Keys stored before holds carried their time read with
// each hold taken at time 0: a hold that outlived an upgrade belongs to a request whose release will never run, so
// it is stale at once and counts as spent in full (keys.ts). Pure.
import { IDL } from '@dfinity/candid';

import { candidValue } from '../shared/stable_codecs';
import type { ApiKey } from './keys';
import { StoredKey } from './types';

const current = candidValue<ApiKey>(StoredKey);

// StoredKey as it was, with [hold id, amount] holds.
const StoredKeyUntimedHolds = IDL.Record({ ...Object.fromEntries(StoredKey._fields), holds: IDL.Vec(IDL.Tuple(IDL.Nat64, IDL.Nat)) });
const untimed = candidValue<Omit<ApiKey, 'holds'> & { holds: [bigint, bigint][] }>(StoredKeyUntimedHolds);

export const storedKey = {
  toBytes: current.toBytes,
  fromBytes(bytes: Uint8Array): ApiKey {
    try {
      return current.fromBytes(bytes);
    } catch {
      const key = untimed.fromBytes(bytes);
      return { ...key, holds: key.holds.map(([hold, amount]) => [hold, amount, 0n]) };
    }
  },
};
