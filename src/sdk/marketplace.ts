// The marketplace canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/marketplace.did) and its TS shape. Used by the CLI, the worker and the tests.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { MarketConfig } from '../../canisters/marketplace/config';
import { Job, JobId, JobPage, JobRequest, JobResult, JobRun, ModelRates } from '../../canisters/marketplace/job_types';
import type {
  JobResult as JobResultT,
  JobPage as JobPageT,
  JobRun as JobRunT,
  ModelRates as ModelRatesT,
  Job as JobT,
} from '../../canisters/marketplace/job_types';
import { Reservation, ReservationRequest, ReservationResult } from '../../canisters/marketplace/reservation_types';
import type {
  Reservation as ReservationT,
  ReservationRequest as ReservationRequestT,
  ReservationResult as ReservationResultT,
} from '../../canisters/marketplace/reservation_types';
import { MatchOutcome, type ProviderStanding } from '../../canisters/marketplace/match_types';
import { Offer, OfferId, OfferResult, OfferTerms } from '../../canisters/marketplace/offer_types';
import {
  AdminResult,
  RefreshError,
  OfferFilter,
  OfferPage,
  Page,
  Peers,
  QuoteResult,
  StandingPush,
} from '../../canisters/marketplace/types';
import type {
  AdminResult as AdminResultT,
  OfferFilter as OfferFilterT,
  OfferPage as OfferPageT,
  Page as PageT,
  Peers as PeersT,
  QuoteResult as QuoteResultT,
  RefreshError as RefreshErrorT,
  StandingPush as StandingPushT,
} from '../../canisters/marketplace/types';

import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';

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
    push_standings: IDL.Func([StandingPush], [AdminResult(IDL.Null)], []),
    models_changed: IDL.Func([IDL.Vec(IDL.Nat64)], [AdminResult(IDL.Null)], []),
    get_config: IDL.Func([], [MarketConfig], ['query']),
    set_config: IDL.Func([MarketConfig], [AdminResult(MarketConfig)], []),
    settings: IDL.Func([], [IDL.Record({ admin: IDL.Principal, peers: Peers })], ['query']),
    set_peers: IDL.Func([Peers], [AdminResult(Peers)], []),
    set_job_intake_paused: IDL.Func([IDL.Bool], [AdminResult(IDL.Bool)], []),
    job_intake_paused: IDL.Func([], [IDL.Bool], ['query']),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
    submit_job: IDL.Func([JobRequest], [JobResult(Job)], []),
    run_job: IDL.Func([JobRequest], [JobResult(JobRun)], []),
    run_job_for: IDL.Func([IDL.Principal, JobRequest], [JobResult(JobRun)], []),
    notify_on_end: IDL.Func([JobId, IDL.Text], [JobResult(IDL.Null)], []),
    get_job: IDL.Func([JobId], [JobResult(Job)], ['query']),
    audit_candidates: IDL.Func([JobId, IDL.Nat32], [JobResult(IDL.Vec(IDL.Principal))], []),
    probe_targets: IDL.Func([], [AdminResult(IDL.Vec(IDL.Principal))], ['query']),
    list_jobs: IDL.Func([Page], [JobResult(JobPage)], ['query']),
    cancel_job: IDL.Func([JobId], [JobResult(Job)], []),
    complete_job: IDL.Func([JobId, IDL.Vec(IDL.Nat8), IDL.Vec(IDL.Principal)], [JobResult(Job)], []),
    fail_job: IDL.Func([JobId, IDL.Text], [JobResult(Job)], []),
    model_rates: IDL.Func([IDL.Nat64], [ModelRates], ['query']),
    reserve: IDL.Func([ReservationRequest], [ReservationResult(Reservation)], []),
    list_reservations: IDL.Func([], [IDL.Vec(Reservation)], ['query']),
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
  push_standings(push: StandingPushT): Promise<AdminResultT<null>>;
  models_changed(ids: bigint[]): Promise<AdminResultT<null>>;
  get_config(): Promise<MarketConfig>;
  set_config(config: MarketConfig): Promise<AdminResultT<MarketConfig>>;
  settings(): Promise<{ admin: Principal; peers: PeersT }>;
  set_peers(peers: PeersT): Promise<AdminResultT<PeersT>>;
  set_job_intake_paused(paused: boolean): Promise<AdminResultT<boolean>>;
  job_intake_paused(): Promise<boolean>;
  claim_admin(): Promise<ClaimAdminResultT>;
  submit_job(request: JobRequest): Promise<JobResultT<JobT>>;
  /** A short job run inside the call: the settled job and its output, or JobFailed once it was refunded. */
  run_job(request: JobRequest): Promise<JobResultT<JobRunT>>;
  run_job_for(consumer: Principal, request: JobRequest): Promise<JobResultT<JobRunT>>;
  /** A canister consumer's opt-in call of its `method(job_id, outcome)` when the job settles or is refunded. */
  notify_on_end(id: bigint, method: string): Promise<JobResultT<null>>;
  get_job(id: bigint): Promise<JobResultT<JobT>>;
  audit_candidates(id: bigint, count: number): Promise<JobResultT<Principal[]>>;
  probe_targets(): Promise<AdminResultT<Principal[]>>;
  list_jobs(page: PageT): Promise<JobResultT<JobPageT>>;
  cancel_job(id: bigint): Promise<JobResultT<JobT>>;
  complete_job(id: bigint, resultHash: Uint8Array, paidNodes: Principal[]): Promise<JobResultT<JobT>>;
  fail_job(id: bigint, reason: string): Promise<JobResultT<JobT>>;
  model_rates(model: bigint): Promise<ModelRatesT>;
  reserve(request: ReservationRequestT): Promise<ReservationResultT<ReservationT>>;
  list_reservations(): Promise<ReservationT[]>;
};
