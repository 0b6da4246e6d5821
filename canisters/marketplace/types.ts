// The glue's own candid types: init argument, settings, paging and the admin results. IDL value and TS type
// under one name; the domain's types live in *_types.ts and config.ts.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { isOneOf } from '../shared/guard';
import { ModelId } from '../shared/models';
import { MarketConfig } from './config';
import { Candidate, NoMatch } from './match_types';
import { Offer } from './offer_types';

export const InitArg = IDL.Record({
  admin: IDL.Opt(IDL.Principal),
  identity: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  model_registry: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  config: IDL.Opt(MarketConfig),
  /** Where job events are reported (one way); an upgrade argument naming one replaces it. */
  analytics: IDL.Opt(IDL.Principal),
  /** The api canister, the one caller of run_job_for (it runs jobs for its keys' owners). */
  api: IDL.Opt(IDL.Principal),
});
export type InitArg = {
  admin: [] | [Principal];
  identity: [] | [Principal];
  payment: [] | [Principal];
  model_registry: [] | [Principal];
  bridge: [] | [Principal];
  config: [] | [MarketConfig];
  analytics: [] | [Principal];
  api: [] | [Principal];
};

/** The canisters the marketplace calls or trusts. Once a bridge is named, only it reports job outcomes. */
export const Peers = IDL.Record({
  identity: IDL.Opt(IDL.Principal),
  payment: IDL.Opt(IDL.Principal),
  model_registry: IDL.Opt(IDL.Principal),
  bridge: IDL.Opt(IDL.Principal),
  api: IDL.Opt(IDL.Principal),
});
export type Peers = {
  identity: [] | [Principal];
  payment: [] | [Principal];
  model_registry: [] | [Principal];
  bridge: [] | [Principal];
  api: [] | [Principal];
};

// intake_paused: the circuit breaker governance pulls; absent in settings written before it existed, read as false.
// min_stake: identity's minimum stake as identity last pushed it (identity holds the one parameter); absent until
// the first push, read as identity's default.
// peers.api: absent in settings written before the api canister existed, read as none (withApiPeer).
export type Settings = { admin: Principal; peers: Peers; config: MarketConfig; intake_paused?: boolean; min_stake?: bigint };

/** What identity pushes after each change of standing: its min_stake and the standings that changed. */
export const StandingPush = IDL.Record({
  min_stake: IDL.Nat,
  standings: IDL.Vec(IDL.Record({ provider: IDL.Principal, certified: IDL.Bool, stake: IDL.Nat, reputation_bps: IDL.Nat16 })),
});
export type StandingPush = {
  min_stake: bigint;
  standings: { provider: Principal; certified: boolean; stake: bigint; reputation_bps: number }[];
};
/** The most standings one push may carry (identity sends at most this many). */
export const MAX_PUSH = 100;

/** Peers named in `update` replace the current ones; an empty opt keeps what is there. */
export function withPeers(peers: Peers, update: Peers): Peers {
  const pick = (name: keyof Peers): [] | [Principal] => (update[name].length === 1 ? update[name] : peers[name]);
  return {
    identity: pick('identity'),
    payment: pick('payment'),
    model_registry: pick('model_registry'),
    bridge: pick('bridge'),
    api: pick('api'),
  };
}

/** Settings as stored, with the peers added since they were written read as unnamed. */
export function withApiPeer(settings: Settings): Settings {
  return { ...settings, peers: { ...settings.peers, api: settings.peers.api ?? [] } };
}

/**
 * Who may report a job's outcome (completed or failed): the bridge once one is named; until then the admin, the
 * stand-in that lets settlement be driven before the bridge exists.
 */
export function mayReportOutcome(settings: Settings, caller: Principal): string | undefined {
  if (settings.peers.bridge.length === 1) return isOneOf(caller, settings.peers.bridge) ? undefined : 'only the bridge may report job outcomes';
  return isOneOf(caller, settings.admin) ? undefined : 'only the admin may report job outcomes until a bridge is named';
}

export const AdminError = IDL.Variant({ Unauthorized: IDL.Text, InvalidInput: IDL.Text });
export type AdminError = { Unauthorized: string } | { InvalidInput: string };
export type AdminResult<T> = { Ok: T } | { Err: AdminError };
export const AdminResult = (ok: IDL.Type): IDL.VariantClass => IDL.Variant({ Ok: ok, Err: AdminError });

/** Which offers to list: all, one provider's, or the live offers of one model. */
export const OfferFilter = IDL.Record({ provider: IDL.Opt(IDL.Principal), model: IDL.Opt(ModelId) });
export type OfferFilter = { provider: [] | [Principal]; model: [] | [bigint] };

export const Page = IDL.Record({ offset: IDL.Nat64, limit: IDL.Nat32 });
export type Page = { offset: bigint; limit: number };
export const MAX_PAGE = 100;

export const OfferPage = IDL.Record({ offers: IDL.Vec(Offer), total: IDL.Nat64 });
export type OfferPage = { offers: Offer[]; total: bigint };

/** What a job would cost now: the quote of each chosen replica and their sum. */
export const Quote = IDL.Record({ chosen: IDL.Vec(Candidate), total: IDL.Nat, multiplier_bps: IDL.Nat32 });
export type Quote = { chosen: Candidate[]; total: bigint; multiplier_bps: number };
export const QuoteResult = IDL.Variant({ Ok: Quote, Err: NoMatch });
export type QuoteResult = { Ok: Quote } | { Err: NoMatch };

export const RefreshError = IDL.Variant({ NoIdentityPeer: IDL.Null, CallFailed: IDL.Text });
export type RefreshError = { NoIdentityPeer: null } | { CallFailed: string };
