// Keys in stable memory across the upgrade that gave holds their time: a key stored before it, with a hold that
// outlived the upgrade, reads back with that hold stale at once, so it counts as spent instead of trapping or
// blocking the key.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { HOLD_TTL, type ApiKey } from '../../../canisters/api/keys';
import { storedKey } from '../../../canisters/api/stored_key';
import { StoredKey } from '../../../canisters/api/types';

const KEY: ApiKey = {
  id: 3n,
  owner: Principal.fromText('aaaaa-aa'),
  terms: { name: 'k', spend_cap: 1_000n, expires_at: [], models: [], requests_per_minute: 60 },
  secret_sha256: new Uint8Array(32),
  hint: 'abcd',
  created_at: 1n,
  revoked_at: [],
  spent: 5n,
  held: 70n,
  holds: [[0n, 70n, HOLD_TTL]],
  next_hold: 1n,
  requests: 1n,
  last_used_at: [],
  rate_full_at: 1n,
};

describe('a stored key', () => {
  it('reads back as written', () => {
    expect(storedKey.fromBytes(storedKey.toBytes(KEY))).toEqual(KEY);
  });

  it('stored with untimed holds, reads each hold as taken at time 0', () => {
    const before = IDL.Record({ ...Object.fromEntries(StoredKey._fields), holds: IDL.Vec(IDL.Tuple(IDL.Nat64, IDL.Nat)) });
    const bytes = new Uint8Array(IDL.encode([before], [{ ...KEY, holds: [[0n, 70n]] }]));
    expect(storedKey.fromBytes(bytes)).toEqual({ ...KEY, holds: [[0n, 70n, 0n]] });
  });
});
