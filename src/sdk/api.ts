// The api canister's interface for agents: an idlFactory built from the canister's own type declarations (checked
// against candid/api.did by tests/unit/sdk/interfaces.test.ts) and its TS shape. The CLI and the web app call its key
// methods; its OpenAI-compatible HTTP API (http_request) is for HTTP clients through the gateway, which reach it with
// an OpenAI client at apiBaseUrl (src/sdk/keys.ts), not through this actor.
import { IDL } from '@dfinity/candid';

import { ApiKeyInfo, CreatedKey, HttpRequest, HttpResponse, KeyResult, KeyTerms, Settings } from '../../canisters/api/types';
import type * as T from '../../canisters/api/types';
import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';

export type { ApiKeyInfo, CreatedKey, KeyError, KeyResult, KeyTerms } from '../../canisters/api/types';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    create_api_key: IDL.Func([KeyTerms], [KeyResult(CreatedKey)], []),
    list_api_keys: IDL.Func([], [IDL.Vec(ApiKeyInfo)], ['query']),
    revoke_api_key: IDL.Func([IDL.Nat64], [KeyResult(ApiKeyInfo)], []),
    http_request: IDL.Func([HttpRequest], [HttpResponse], ['query']),
    http_request_update: IDL.Func([HttpRequest], [HttpResponse], []),
    settings: IDL.Func([], [Settings], ['query']),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
    version: IDL.Func([], [IDL.Text], ['query']),
  });

export type ApiService = {
  create_api_key(terms: T.KeyTerms): Promise<T.KeyResult<T.CreatedKey>>;
  list_api_keys(): Promise<T.ApiKeyInfo[]>;
  revoke_api_key(id: bigint): Promise<T.KeyResult<T.ApiKeyInfo>>;
  http_request(request: T.HttpRequest): Promise<T.HttpResponse>;
  http_request_update(request: T.HttpRequest): Promise<T.HttpResponse>;
  settings(): Promise<T.Settings>;
  claim_admin(): Promise<ClaimAdminResultT>;
  version(): Promise<string>;
};
