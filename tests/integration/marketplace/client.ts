// The marketplace canister as the integration tests and the benchmark call it: an idlFactory built from the
// canister's own type declarations (the build checks those against candid/marketplace.did) and its TS shape.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { MarketConfig } from '../../../canisters/marketplace/config';
import { JobRequest } from '../../../canisters/marketplace/job_types';
import { MatchOutcome, type ProviderStanding } from '../../../canisters/marketplace/match_types';
import { Offer, OfferId, OfferResult, OfferTerms } from '../../../canisters/marketplace/offer_types';
import { AdminResult, InitArg, RefreshError, OfferFilter, OfferPage, Page, Peers, QuoteResult } from '../../../canisters/marketplace/types';
import type {
  AdminResult as AdminResultT,
  OfferFilter as OfferFilterT,
  OfferPage as OfferPageT,
  Page as PageT,
  Peers as PeersT,
  QuoteResult as QuoteResultT,
  RefreshError as RefreshErrorT,
} from '../../../canisters/marketplace/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';

export const MARKETPLACE_WASM = '.azle/marketplace/marketplace.wasm';

const Standing = IDL.Record({ certified: IDL.Bool, stake: IDL.Nat, reputation_bps: IDL.Nat16 });

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    create_offer: IDL.Func([OfferTerms], [OfferResult(Offer)], []),
    update_offer: IDL.Func([OfferId, OfferTerms], [OfferResult(Offer)], []),
    pause_offer: IDL.Func([OfferId], [OfferResult(Offer)], []),
    resume_offer: IDL.Func([OfferId], [OfferResult(Offer)], []),
    retire_offer: IDL.Func([OfferId], [OfferResult(Offer)], []),
    get_offer: IDL.Func([OfferId], [OfferResult(Offer)], ['query']),
    list_offers: IDL.Func([OfferFilter, Page], [OfferResult(OfferPage)], ['query']),
    explain_match: IDL.Func([JobRequest], [MatchOutcome], ['query']),
    explain_match_update: IDL.Func([JobRequest], [MatchOutcome], []),
    quote: IDL.Func([JobRequest], [QuoteResult], ['query']),
    set_provider_standing: IDL.Func([IDL.Principal, Standing], [AdminResult(IDL.Null)], []),
    refresh_standing: IDL.Func([IDL.Principal], [IDL.Variant({ Ok: Standing, Err: RefreshError })], []),
    provider_standing: IDL.Func([IDL.Principal], [IDL.Opt(Standing)], ['query']),
    get_config: IDL.Func([], [MarketConfig], ['query']),
    set_config: IDL.Func([MarketConfig], [AdminResult(MarketConfig)], []),
    settings: IDL.Func([], [IDL.Record({ admin: IDL.Principal, peers: Peers })], ['query']),
  });

type R = OfferResult<Offer>;
export type MarketplaceService = {
  version(): Promise<string>;
  create_offer(terms: OfferTerms): Promise<R>;
  update_offer(id: bigint, terms: OfferTerms): Promise<R>;
  pause_offer(id: bigint): Promise<R>;
  resume_offer(id: bigint): Promise<R>;
  retire_offer(id: bigint): Promise<R>;
  get_offer(id: bigint): Promise<R>;
  list_offers(filter: OfferFilterT, page: PageT): Promise<OfferResult<OfferPageT>>;
  explain_match(request: JobRequest): Promise<MatchOutcome>;
  explain_match_update(request: JobRequest): Promise<MatchOutcome>;
  quote(request: JobRequest): Promise<QuoteResultT>;
  set_provider_standing(provider: Principal, standing: ProviderStanding): Promise<AdminResultT<null>>;
  refresh_standing(provider: Principal): Promise<{ Ok: ProviderStanding } | { Err: RefreshErrorT }>;
  provider_standing(provider: Principal): Promise<[] | [ProviderStanding]>;
  get_config(): Promise<MarketConfig>;
  set_config(config: MarketConfig): Promise<AdminResultT<MarketConfig>>;
  settings(): Promise<{ admin: Principal; peers: PeersT }>;
};

/** Installs the marketplace as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupMarketplace(network: LocalNetwork, deployer: Principal, arg?: InitArg) {
  return network.setupCanister<MarketplaceService>({
    wasm: MARKETPLACE_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]])),
  });
}
