// The model_registry canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/model_registry.did) and its TS shape. Used by the worker and the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { Access, Model, ModelId } from '../../canisters/shared/models';
import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';
import { ModelPage, Page, PublishRequest, Result, SearchFilter, Settings } from '../../canisters/model_registry/types';

export const REGISTRY_WASM = '.azle/model_registry/model_registry.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    publish: IDL.Func([PublishRequest], [Result(Model)], []),
    set_access: IDL.Func([ModelId, Access], [Result(Model)], []),
    set_royalty_cap: IDL.Func([IDL.Nat16], [Result(Settings)], []),
    set_marketplace: IDL.Func([IDL.Opt(IDL.Principal)], [Result(IDL.Null)], []),
    marketplace: IDL.Func([], [IDL.Opt(IDL.Principal)], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    get: IDL.Func([ModelId], [Result(Model)], ['query']),
    latest: IDL.Func([IDL.Text], [Result(Model)], ['query']),
    can_use: IDL.Func([ModelId, IDL.Principal], [IDL.Bool], ['query']),
    list: IDL.Func([Page], [Result(ModelPage)], ['query']),
    search: IDL.Func([SearchFilter, Page], [Result(ModelPage)], ['query']),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
  });

export type RegistryService = {
  version(): Promise<string>;
  publish(request: PublishRequest): Promise<Result<Model>>;
  set_access(id: ModelId, access: Access): Promise<Result<Model>>;
  set_royalty_cap(capBps: number): Promise<Result<Settings>>;
  set_marketplace(marketplace: [] | [Principal]): Promise<Result<null>>;
  marketplace(): Promise<[] | [Principal]>;
  settings(): Promise<Settings>;
  get(id: ModelId): Promise<Result<Model>>;
  latest(name: string): Promise<Result<Model>>;
  can_use(id: ModelId, user: Principal): Promise<boolean>;
  list(page: Page): Promise<Result<ModelPage>>;
  search(filter: SearchFilter, page: Page): Promise<Result<ModelPage>>;
  claim_admin(): Promise<ClaimAdminResultT>;
};
