// Who administers analytics and which canisters may report to it: its init argument and the rules on both.
// Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { isOneOf } from '../shared/guard';

export const InitArg = IDL.Record({ admin: IDL.Opt(IDL.Principal), reporters: IDL.Vec(IDL.Principal) });
export type InitArg = { admin: [] | [Principal]; reporters: Principal[] };

export const Settings = IDL.Record({ admin: IDL.Principal, reporters: IDL.Vec(IDL.Principal) });
export type Settings = { admin: Principal; reporters: Principal[] };

/** The most reporting canisters: the marketplace, payment, the bridge and verification, with room to spare. */
export const MAX_REPORTERS = 16;

export function initialSettings(arg: InitArg | undefined, installer: Principal): Settings {
  return { admin: arg?.admin[0] ?? installer, reporters: arg?.reporters ?? [] };
}

export function mayReport(settings: Settings, caller: Principal): string | undefined {
  if (!isOneOf(caller, ...settings.reporters)) return 'only the reporting canisters may record events';
}

export function mayAdminister(settings: Settings, caller: Principal): string | undefined {
  if (!isOneOf(caller, settings.admin)) return 'only the admin may change the reporting canisters';
}
