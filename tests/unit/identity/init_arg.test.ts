// The optional init argument: none at all, an empty candid message, or some of the settings.
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { decodeInitArg } from '../../../canisters/identity/init_arg';
import { initialSettings } from '../../../canisters/identity/settings';
import { InitArg } from '../../../canisters/identity/types';
import { NO_CHANGES, randomUser } from './fixtures';

describe('the init argument', () => {
  it('is absent when no bytes or an empty candid message arrive', () => {
    expect(decodeInitArg(new Uint8Array())).toBeUndefined();
    expect(decodeInitArg(new Uint8Array(IDL.encode([], [])))).toBeUndefined();
    expect(decodeInitArg(new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[]])))).toBeUndefined();
  });

  it('names the admin, the ledger and the parameters it sets; the rest take defaults', () => {
    const [installer, admin, ledger] = [randomUser(), randomUser(), randomUser()];
    const arg = { ...NO_CHANGES, admin: [admin], ledger: [ledger], min_stake: [42n] } as InitArg;
    const decoded = decodeInitArg(new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]])));
    expect(initialSettings(decoded, installer)).toMatchObject({
      admin,
      certifiers: [admin],
      ledger: [ledger],
      min_stake: 42n,
      treasury: { owner: admin, subaccount: [] },
    });
  });
});
