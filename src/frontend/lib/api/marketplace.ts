// The marketplace's calls, one function each.
import type { Principal } from '@dfinity/principal';

import type { Job, JobPage, JobRequest, JobResult, ModelRates } from '../../../../canisters/marketplace/job_types';
import type { Offer, OfferResult, OfferTerms } from '../../../../canisters/marketplace/offer_types';
import type { OfferPage, QuoteResult } from '../../../../canisters/marketplace/types';
import type { MarketConfig } from '../../../../canisters/marketplace/config';
import type { Actors } from './actors';

/** The canister's page limit (MAX_PAGE in canisters/marketplace/types.ts). */
export const PAGE_LIMIT = 100;

/**
 * A job as its type says: candid decodes `vec nat64` (the offers) as a BigUint64Array, whose map can only return
 * bigints, so it becomes a plain array here.
 */
export const plainJob = (job: Job): Job => ({ ...job, offers: Array.from(job.offers), quotes: Array.from(job.quotes) });
const plain = <T extends { Ok: Job } | { Err: unknown }>(reply: T): T => ('Ok' in reply ? { ...reply, Ok: plainJob(reply.Ok) } : reply);

export const quote = (a: Actors, request: JobRequest): Promise<QuoteResult> => a.marketplace.quote(request);
export const submitJob = async (a: Actors, request: JobRequest): Promise<JobResult<Job>> => plain(await a.marketplace.submit_job(request));
export const getJob = async (a: Actors, id: bigint): Promise<JobResult<Job>> => plain(await a.marketplace.get_job(id));
export const listJobs = async (a: Actors, offset: bigint, limit = PAGE_LIMIT): Promise<JobResult<JobPage>> => {
  const reply = await a.marketplace.list_jobs({ offset, limit });
  return 'Ok' in reply ? { Ok: { ...reply.Ok, jobs: reply.Ok.jobs.map(plainJob) } } : reply;
};
export const modelRates = (a: Actors, model: bigint): Promise<ModelRates> => a.marketplace.model_rates(model);
export const getConfig = (a: Actors): Promise<MarketConfig> => a.marketplace.get_config();

export const listOffers = (
  a: Actors,
  filter: { provider?: Principal; model?: bigint },
  offset: bigint,
  limit = PAGE_LIMIT,
): Promise<OfferResult<OfferPage>> =>
  a.marketplace.list_offers(
    { provider: filter.provider ? [filter.provider] : [], model: filter.model !== undefined ? [filter.model] : [] },
    { offset, limit },
  );
export const getOffer = (a: Actors, id: bigint): Promise<OfferResult<Offer>> => a.marketplace.get_offer(id);
export const createOffer = (a: Actors, terms: OfferTerms): Promise<OfferResult<Offer>> => a.marketplace.create_offer(terms);
// Offers' `models` (vec nat64) stay BigUint64Arrays: read them with Array.from.
export const updateOffer = (a: Actors, id: bigint, terms: OfferTerms): Promise<OfferResult<Offer>> => a.marketplace.update_offer(id, terms);
export const pauseOffer = (a: Actors, id: bigint): Promise<OfferResult<Offer>> => a.marketplace.pause_offer(id);
export const resumeOffer = (a: Actors, id: bigint): Promise<OfferResult<Offer>> => a.marketplace.resume_offer(id);
export const retireOffer = (a: Actors, id: bigint): Promise<OfferResult<Offer>> => a.marketplace.retire_offer(id);
export const refreshStanding = (a: Actors, provider: Principal) => a.marketplace.refresh_standing(provider);
