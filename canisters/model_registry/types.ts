// The registry's own interface types, each an IDL value and a TS type under one name.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Access, Format, Model, ModelId, Task } from '../shared/models';

export const RegistryError = IDL.Variant({
  InvalidInput: IDL.Text,
  AlreadyExists: IDL.Record({ id: ModelId }),
  NotFound: IDL.Null,
  Unauthorized: IDL.Text,
  RoyaltyAboveCap: IDL.Record({ cap: IDL.Nat16 }),
});
export type RegistryError =
  | { InvalidInput: string }
  | { AlreadyExists: { id: ModelId } }
  | { NotFound: null }
  | { Unauthorized: string }
  | { RoyaltyAboveCap: { cap: number } };

export type Result<T> = { Ok: T } | { Err: RegistryError };
export const Result = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: RegistryError });

// Everything a creator states when publishing; the registry adds id, creator and time.
export const PublishRequest = IDL.Record({
  name: IDL.Text,
  version: IDL.Text,
  task: Task,
  format: Format,
  sha256: IDL.Vec(IDL.Nat8),
  size_bytes: IDL.Nat64,
  license: IDL.Text,
  royalty_bps: IDL.Nat16,
  access: Access,
});
export type PublishRequest = Omit<Model, 'id' | 'creator' | 'published_at'>;

export const Page = IDL.Record({ offset: IDL.Nat32, limit: IDL.Nat32 });
export type Page = { offset: number; limit: number };

export const ModelPage = IDL.Record({ items: IDL.Vec(Model), total: IDL.Nat64 });
export type ModelPage = { items: Model[]; total: bigint };

// Every field narrows the search; an empty filter lists all models.
export const SearchFilter = IDL.Record({
  task: IDL.Opt(Task),
  format: IDL.Opt(Format),
  creator: IDL.Opt(IDL.Principal),
  name_contains: IDL.Opt(IDL.Text),
});
export type SearchFilter = {
  task: [] | [Task];
  format: [] | [Format];
  creator: [] | [Principal];
  name_contains: [] | [string];
};

export const Settings = IDL.Record({ admin: IDL.Principal, royalty_cap_bps: IDL.Nat16 });
export type Settings = { admin: Principal; royalty_cap_bps: number };

// Every field is optional: the admin defaults to whoever installs the canister, the cap to DEFAULT_ROYALTY_CAP_BPS;
// the marketplace, told which models' access changed (it keeps models for its jobs), to none.
export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  royalty_cap_bps: IDL.Opt(IDL.Nat16),
  marketplace: IDL.Opt(IDL.Principal),
});
export type InitArg = { admin: [] | [Principal]; royalty_cap_bps: [] | [number]; marketplace: [] | [Principal] };
