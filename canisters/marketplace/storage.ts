// The marketplace's state in stable memory, behind the interfaces the pure rules use.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { candidValue, u64Key } from '../shared/stable_codecs';
import { Job, type JobId } from './job_types';
import type { JobStore } from './jobs';
import type { ProviderStanding } from './match_types';
import { MEMORY } from './memory';
import { decodeOffer, encodeOffer } from './offer_codec';
import type { Offer, OfferId } from './offer_types';
import type { OfferStore } from './offers';
import { Reservation } from './reservation_types';
import type { Settings } from './types';

// Ids are u64Key (big-endian), so the maps keep offers and jobs in creation order.
// Offers in their compact form (offer_codec.ts); the small settings and standings use azle's JSON.
const offers = new StableBTreeMap<OfferId, Offer>(MEMORY.offers, u64Key, { toBytes: encodeOffer, fromBytes: decodeOffer });
const settings = new StableBTreeMap<'settings', Settings>(MEMORY.settings);
const standings = new StableBTreeMap<string, ProviderStanding>(MEMORY.standings);

// Matching reads dozens of offers per call, and decoding one from stable memory costs millions of instructions,
// so every offer is also kept on the heap: written through on put, filled from stable memory by values() when the
// book is built in init and postUpgrade.
const heapOffers = new Map<OfferId, Offer>();

export const stableOffers: OfferStore & { range(offset: bigint, limit: number): Offer[] } = {
  get: (id) => heapOffers.get(id),
  put(offer: Offer): void {
    offers.insert(offer.id, offer);
    heapOffers.set(offer.id, offer);
  },
  count: () => BigInt(heapOffers.size),
  values(): Iterable<Offer> {
    heapOffers.clear();
    for (const offer of offers.values()) heapOffers.set(offer.id, offer);
    return heapOffers.values();
  },
  // Ids are dense from 0, so a page of all offers is a range of ids.
  range(offset: bigint, limit: number): Offer[] {
    const page: Offer[] = [];
    for (let id = offset; id < offset + BigInt(limit) && id < BigInt(heapOffers.size); id++) page.push(heapOffers.get(id)!);
    return page;
  },
};

export const stableSettings = stableCell<'settings', Settings>(settings, 'settings', 'marketplace');

export const stableStandings = {
  put: (key: string, standing: ProviderStanding): void => void standings.insert(key, standing),
  items: (): [string, ProviderStanding][] => standings.items(),
};

// Jobs are Candid, written on every step of a job (azle's JSON cost 16 to 34 M instructions per write), and also
// kept on the heap like offers (the consumer index needs them all at load).
const jobCodec = candidValue<Job>(Job);
const jobs = new StableBTreeMap<JobId, Job>(MEMORY.jobs, u64Key, {
  toBytes: jobCodec.toBytes,
  // Candid decodes a vec nat64 as a BigUint64Array, whose map() cannot hold anything but bigints: make it an array.
  fromBytes: (bytes) => {
    const job = jobCodec.fromBytes(bytes);
    return { ...job, offers: Array.from(job.offers) };
  },
});
const heapJobs = new Map<JobId, Job>();

export const stableJobs: JobStore = {
  get: (id) => heapJobs.get(id),
  put(job: Job): void {
    jobs.insert(job.id, job);
    heapJobs.set(job.id, job);
  },
  values(): Iterable<Job> {
    heapJobs.clear();
    for (const job of jobs.values()) heapJobs.set(job.id, job);
    return heapJobs.values();
  },
};

const reservations = new StableBTreeMap<bigint, Reservation>(MEMORY.reservations, u64Key, candidValue<Reservation>(Reservation));

export const stableReservations = {
  put: (reservation: Reservation): void => void reservations.insert(reservation.id, reservation),
  remove: (id: bigint): void => void reservations.remove(id),
  values: (): Reservation[] => reservations.values(),
};

const counters = new StableBTreeMap<'next_id', bigint>(MEMORY.counters);

/** Takes the next id of the sequence jobs and reservations share. */
export function nextId(): bigint {
  const id = counters.get('next_id') ?? 0n;
  counters.insert('next_id', id + 1n);
  return id;
}
