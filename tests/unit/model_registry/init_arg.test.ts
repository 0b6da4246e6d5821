import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { decodeInitArg, initialSettings } from '../../../canisters/model_registry/init_arg';
import { InitArg } from '../../../canisters/model_registry/types';
import { randomUser } from './fixtures';

const encode = (value: unknown[]) => new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [value]));

describe('the init argument', () => {
  it('may be left out entirely, or be null', () => {
    expect(decodeInitArg(new Uint8Array(IDL.encode([], [])))).toBeUndefined();
    expect(decodeInitArg(new Uint8Array())).toBeUndefined();
    expect(decodeInitArg(encode([]))).toBeUndefined();
  });

  it('decodes a given admin and cap', () => {
    const admin = randomUser();
    const marketplace = randomUser();
    expect(decodeInitArg(encode([{ admin: [admin], royalty_cap_bps: [250], marketplace: [marketplace] }]))).toEqual({
      admin: [admin],
      royalty_cap_bps: [250],
      marketplace: [marketplace],
    });
  });

  it('reads an argument written before it named a marketplace as naming none', () => {
    const Earlier = IDL.Record({ admin: IDL.Opt(IDL.Principal), royalty_cap_bps: IDL.Opt(IDL.Nat16) });
    const bytes = new Uint8Array(IDL.encode([IDL.Opt(Earlier)], [[{ admin: [], royalty_cap_bps: [250] }]]));
    expect(decodeInitArg(bytes)).toEqual({ admin: [], royalty_cap_bps: [250], marketplace: [] });
  });

  it('defaults the admin to the installer and the cap to 1,000 bps', () => {
    const [installer, admin] = [randomUser(), randomUser()];
    expect(initialSettings(undefined, installer)).toEqual({ admin: installer, royalty_cap_bps: 1_000 });
    expect(initialSettings({ admin: [], royalty_cap_bps: [0], marketplace: [] }, installer)).toEqual({
      admin: installer,
      royalty_cap_bps: 0,
    });
    expect(initialSettings({ admin: [admin], royalty_cap_bps: [], marketplace: [] }, installer)).toEqual({ admin, royalty_cap_bps: 1_000 });
  });

  it('refuses a cap above 10,000 bps, failing the install', () => {
    expect(() => initialSettings({ admin: [], royalty_cap_bps: [10_001], marketplace: [] }, randomUser())).toThrow(
      'royalty cap: at most 10000 bps',
    );
  });
});
