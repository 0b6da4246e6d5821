// The api canister's candid types, each an IDL value and a TS type under one name: the key methods the CLI and the
// web app call, the HTTP interface the gateway calls, and the init argument. From @dfinity/candid (which azle
// re-exports), so the deploy code and the tests use them outside the canister.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { HeaderField } from '../shared/http_interface';

import type { ApiKey, KeyTerms as KeyTermsT } from './keys';

type Opt<T> = [] | [T];

export const KeyTerms = IDL.Record({
  name: IDL.Text,
  spend_cap: IDL.Nat,
  expires_at: IDL.Opt(IDL.Nat64),
  models: IDL.Vec(IDL.Text),
  requests_per_minute: IDL.Nat32,
});
export type KeyTerms = KeyTermsT;

/** A key as its owner lists it: never the secret, only its last characters. */
export const ApiKeyInfo = IDL.Record({
  id: IDL.Nat64,
  terms: KeyTerms,
  hint: IDL.Text,
  created_at: IDL.Nat64,
  revoked_at: IDL.Opt(IDL.Nat64),
  spent: IDL.Nat,
  held: IDL.Nat,
  requests: IDL.Nat64,
  last_used_at: IDL.Opt(IDL.Nat64),
});
export type ApiKeyInfo = Pick<
  ApiKey,
  'id' | 'terms' | 'hint' | 'created_at' | 'revoked_at' | 'spent' | 'held' | 'requests' | 'last_used_at'
>;

export const infoOf = (key: ApiKey): ApiKeyInfo => ({
  id: key.id,
  terms: key.terms,
  hint: key.hint,
  created_at: key.created_at,
  revoked_at: key.revoked_at,
  spent: key.spent,
  held: key.held,
  requests: key.requests,
  last_used_at: key.last_used_at,
});

export const KeyError = IDL.Variant({ InvalidInput: IDL.Text, LimitReached: IDL.Text, NotFound: IDL.Null, NotAllowed: IDL.Text });
export type KeyError = { InvalidInput: string } | { LimitReached: string } | { NotFound: null } | { NotAllowed: string };
export type KeyResult<T> = { Ok: T } | { Err: KeyError };
export const KeyResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: KeyError });

export const CreatedKey = IDL.Record({ key: ApiKeyInfo, secret: IDL.Text });
export type CreatedKey = { key: ApiKeyInfo; secret: string };

/** A key as stored: everything the rules keep, the secret only as its SHA-256. */
export const StoredKey = IDL.Record({
  id: IDL.Nat64,
  owner: IDL.Principal,
  terms: KeyTerms,
  secret_sha256: IDL.Vec(IDL.Nat8),
  hint: IDL.Text,
  created_at: IDL.Nat64,
  revoked_at: IDL.Opt(IDL.Nat64),
  spent: IDL.Nat,
  held: IDL.Nat,
  holds: IDL.Vec(IDL.Tuple(IDL.Nat64, IDL.Nat, IDL.Nat64)),
  next_hold: IDL.Nat64,
  requests: IDL.Nat64,
  last_used_at: IDL.Opt(IDL.Nat64),
  rate_full_at: IDL.Nat64,
});

// The HTTP Gateway Protocol's response, without streaming: every answer fits one reply.
export { HttpRequest } from '../shared/http_interface';
export const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  upgrade: IDL.Opt(IDL.Bool),
});
export type HttpResponse = { status_code: number; headers: [string, string][]; body: Uint8Array; upgrade: Opt<boolean> };

/** The peers the api calls: where models, jobs and money are; named at install, kept as they are by upgrades. */
export const Peers = IDL.Record({
  marketplace: IDL.Opt(IDL.Principal),
  model_registry: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  ledger: IDL.Opt(IDL.Principal),
});
export type Peers = { marketplace: Opt<Principal>; model_registry: Opt<Principal>; payment: Opt<Principal>; ledger: Opt<Principal> };

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  marketplace: IDL.Opt(IDL.Principal),
  model_registry: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  ledger: IDL.Opt(IDL.Principal),
});
export type InitArg = Peers & { admin: Opt<Principal> };

export const Settings = IDL.Record({ admin: IDL.Principal, peers: Peers });
export type Settings = { admin: Principal; peers: Peers };
