// The api canister's key methods for agents: an idlFactory and its TS shape, checked against candid/api.did by
// tests/unit/sdk/interfaces.test.ts. Its OpenAI-compatible HTTP API (http_request) is for HTTP clients through the
// gateway, so programs reach it with an OpenAI client at apiBaseUrl (src/sdk/keys.ts), not through this actor.
import { IDL } from '@dfinity/candid';

import type { KeyTerms as KeyTermsT } from '../../canisters/api/keys';
import {
  HttpRequest,
  HttpResponse,
  Settings,
  type HttpRequest as HttpRequestT,
  type HttpResponse as HttpResponseT,
  type Settings as SettingsT,
} from '../../canisters/api/types';

export type KeyTerms = KeyTermsT;

/** A key as its owner lists it: never its secret, only the secret's last characters (hint). */
export type ApiKeyInfo = {
  id: bigint;
  terms: KeyTerms;
  hint: string;
  created_at: bigint;
  revoked_at: [] | [bigint];
  /** Paid for finished requests, and held for requests running now; with held it never passes terms.spend_cap. */
  spent: bigint;
  held: bigint;
  requests: bigint;
  last_used_at: [] | [bigint];
};

export type KeyError = { InvalidInput: string } | { LimitReached: string } | { NotFound: null } | { NotAllowed: string };
export type KeyResult<T> = { Ok: T } | { Err: KeyError };
export type CreatedKey = { key: ApiKeyInfo; secret: string };

const KeyTermsIdl = IDL.Record({
  name: IDL.Text,
  spend_cap: IDL.Nat,
  expires_at: IDL.Opt(IDL.Nat64),
  models: IDL.Vec(IDL.Text),
  requests_per_minute: IDL.Nat32,
});
const ApiKeyInfoIdl = IDL.Record({
  id: IDL.Nat64,
  terms: KeyTermsIdl,
  hint: IDL.Text,
  created_at: IDL.Nat64,
  revoked_at: IDL.Opt(IDL.Nat64),
  spent: IDL.Nat,
  held: IDL.Nat,
  requests: IDL.Nat64,
  last_used_at: IDL.Opt(IDL.Nat64),
});
const KeyErrorIdl = IDL.Variant({ InvalidInput: IDL.Text, LimitReached: IDL.Text, NotFound: IDL.Null, NotAllowed: IDL.Text });
const KeyResultIdl = (ok: IDL.Type) => IDL.Variant({ Ok: ok, Err: KeyErrorIdl });

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    create_api_key: IDL.Func([KeyTermsIdl], [KeyResultIdl(IDL.Record({ key: ApiKeyInfoIdl, secret: IDL.Text }))], []),
    list_api_keys: IDL.Func([], [IDL.Vec(ApiKeyInfoIdl)], ['query']),
    revoke_api_key: IDL.Func([IDL.Nat64], [KeyResultIdl(ApiKeyInfoIdl)], []),
    http_request: IDL.Func([HttpRequest], [HttpResponse], ['query']),
    http_request_update: IDL.Func([HttpRequest], [HttpResponse], []),
    settings: IDL.Func([], [Settings], ['query']),
    version: IDL.Func([], [IDL.Text], ['query']),
  });

export type ApiService = {
  create_api_key(terms: KeyTerms): Promise<KeyResult<CreatedKey>>;
  list_api_keys(): Promise<ApiKeyInfo[]>;
  revoke_api_key(id: bigint): Promise<KeyResult<ApiKeyInfo>>;
  http_request(request: HttpRequestT): Promise<HttpResponseT>;
  http_request_update(request: HttpRequestT): Promise<HttpResponseT>;
  settings(): Promise<SettingsT>;
  version(): Promise<string>;
};
