// The marketplace's state in stable memory, behind the interfaces the pure rules use. Besides offers, jobs and
// standings it keeps the indexes over them (per provider, per model, per consumer, unfinished, certified), so an
// upgrade reads only what a stranger cannot create for free: certified providers' standings and offers, and
// unfinished jobs. The heap copies of offers and jobs fill as they are read.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, rawBytes, u64Key } from '../shared/stable_codecs';
import type { ModelId } from '../shared/models';
import { providerKey } from './eligibility';
import { isFinal } from './job_machine';
import { decodeJob, encodeJob } from './job_codec';
import type { Job, JobId } from './job_types';
import type { NoticeStore } from './job_notices';
import type { JobStore } from './jobs';
import { LiveOffers, type LiveStore } from './live_offers';
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

/** A set's value: the key is all there is. */
const present = { toBytes: () => Uint8Array.of(1), fromBytes: () => true as const };
/** A list of ids, 8 bytes each. */
const idList = {
  toBytes(ids: bigint[]): Uint8Array {
    const bytes = new Uint8Array(ids.length * 8);
    const view = new DataView(bytes.buffer);
    ids.forEach((id, i) => view.setBigUint64(i * 8, id));
    return bytes;
  },
  fromBytes(bytes: Uint8Array): bigint[] {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(i * 8));
  },
};
// A block read is a copy of its own: the live-offer index changes blocks it has read before writing them back.
const copiedBytes = { toBytes: (bytes: Uint8Array) => bytes, fromBytes: (bytes: Uint8Array) => Uint8Array.from(bytes) };
/** (model, block) as 12 big-endian bytes. */
const blockKey = {
  toBytes([model, chunk]: [ModelId, number]): Uint8Array {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, model);
    view.setUint32(8, chunk);
    return bytes;
  },
  fromBytes(bytes: Uint8Array): [ModelId, number] {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return [view.getBigUint64(0), view.getUint32(8)];
  },
};

const offersByProvider = new StableBTreeMap<string, OfferId[]>(MEMORY.offersByProvider, asciiText, idList);
const liveBlocks = new StableBTreeMap<[ModelId, number], Uint8Array>(MEMORY.liveBlocks, blockKey, copiedBytes);
const liveCounts = new StableBTreeMap<ModelId, bigint>(MEMORY.liveCounts, u64Key, u64Key);
const certified = new StableBTreeMap<string, true>(MEMORY.certified, asciiText, present);
const counters = new StableBTreeMap<'next_id' | 'live_offers' | 'layout', bigint>(MEMORY.counters);

// Matching reads dozens of offers per call, and decoding one from stable memory costs millions of instructions,
// so offers read are kept on the heap too (written through on put).
const heapOffers = new Map<OfferId, Offer>();

const liveStore: LiveStore = {
  block: (model, chunk) => liveBlocks.get([model, chunk]),
  setBlock: (model, chunk, bits) => void liveBlocks.insert([model, chunk], bits),
  count: (model) => Number(liveCounts.get(model) ?? 0n),
  setCount: (model, count) => void liveCounts.insert(model, BigInt(count)),
  total: () => Number(counters.get('live_offers') ?? 0n),
  setTotal: (total) => void counters.insert('live_offers', BigInt(total)),
};

export const stableOffers: OfferStore & { range(offset: bigint, limit: number): Offer[] } = {
  get(id: OfferId): Offer | undefined {
    const cached = heapOffers.get(id);
    if (cached !== undefined) return cached;
    const offer = offers.get(id);
    if (offer !== undefined) heapOffers.set(id, offer);
    return offer;
  },
  put(offer: Offer): void {
    offers.insert(offer.id, offer);
    heapOffers.set(offer.id, offer);
  },
  count: () => BigInt(offers.len()),
  providers: {
    ids: (key) => offersByProvider.get(key) ?? [],
    add: (key, id) => void offersByProvider.insert(key, [...(offersByProvider.get(key) ?? []), id]),
  },
  live: liveStore,
  // Ids are dense from 0, so a page of all offers is a range of ids.
  range(offset: bigint, limit: number): Offer[] {
    const page: Offer[] = [];
    for (let id = offset; id < offset + BigInt(limit) && id < this.count(); id++) page.push(this.get(id)!);
    return page;
  },
};

export const stableSettings = stableCell<'settings', Settings>(settings, 'settings', 'marketplace');

export const stableStandings = {
  get: (key: string): ProviderStanding | undefined => standings.get(key),
  /** Stores the standing and keeps the set of certified providers, whose offers an upgrade puts on the ladders. */
  put(key: string, standing: ProviderStanding): void {
    standings.insert(key, standing);
    if (standing.certified) certified.insert(key, true);
    else certified.remove(key);
  },
  certified: (): string[] => certified.keys(),
};

// Jobs are written on every step of a job, in their compact form (job_codec.ts). The heap keeps the unfinished
// ones read or written (the sweep and the slots read them again and again); a final job is decoded when asked for.
// The map holds the bytes and this module encodes and decodes them: azle's insert decodes the value it replaces,
// which for a job in Candid cost more than encoding the new one.
const jobs = new StableBTreeMap<JobId, Uint8Array>(MEMORY.jobs, u64Key, rawBytes);
const consumerJobs = new StableBTreeMap<string, JobId>(MEMORY.consumerJobs, asciiText, u64Key);
const consumerJobCounts = new StableBTreeMap<string, bigint>(MEMORY.consumerJobCounts, asciiText, u64Key);
const unfinishedJobs = new StableBTreeMap<JobId, true>(MEMORY.unfinishedJobs, u64Key, present);
const heapJobs = new Map<JobId, Job>();
// The unfinished ids on the heap too, read from stable memory once (few: each holds a slot or a payment in flight).
let unfinished: Set<JobId> | undefined;
const unfinishedIds = (): Set<JobId> => (unfinished ??= new Set(unfinishedJobs.keys()));

const cacheJob = (job: Job): void => void (isFinal(job.state) ? heapJobs.delete(job.id) : heapJobs.set(job.id, job));

export const stableJobs: JobStore = {
  get(id: JobId): Job | undefined {
    const cached = heapJobs.get(id);
    if (cached !== undefined) return cached;
    const bytes = jobs.get(id);
    if (bytes === undefined) return undefined;
    const job = decodeJob(bytes);
    cacheJob(job);
    return job;
  },
  put(job: Job): void {
    jobs.insert(job.id, encodeJob(job));
    cacheJob(job);
  },
  consumers: {
    count: (key) => Number(consumerJobCounts.get(key) ?? 0n),
    at: (key, position) => consumerJobs.get(`${key}/${position}`)!,
    add(key: string, id: JobId): void {
      const count = consumerJobCounts.get(key) ?? 0n;
      consumerJobs.insert(`${key}/${count}`, id);
      consumerJobCounts.insert(key, count + 1n);
    },
  },
  unfinished: {
    ids: () => unfinishedIds().values(),
    add(id: JobId): void {
      unfinishedJobs.insert(id, true);
      unfinishedIds().add(id);
    },
    delete(id: JobId): void {
      unfinishedJobs.remove(id);
      unfinishedIds().delete(id);
    },
  },
};

// At most one per unfinished job: taken out when the job ends.
const notices = new StableBTreeMap<JobId, string>(MEMORY.notices, u64Key, asciiText);

export const stableNotices: NoticeStore = {
  get: (id) => notices.get(id),
  put: (id, method) => void notices.insert(id, method),
  remove: (id) => void notices.remove(id),
};

const reservations = new StableBTreeMap<bigint, Reservation>(MEMORY.reservations, u64Key, candidValue<Reservation>(Reservation));

export const stableReservations = {
  put: (reservation: Reservation): void => void reservations.insert(reservation.id, reservation),
  remove: (id: bigint): void => void reservations.remove(id),
  values: (): Reservation[] => reservations.values(),
};

/** Takes the next id of the sequence jobs and reservations share. */
export function nextId(): bigint {
  const id = counters.get('next_id') ?? 0n;
  counters.insert('next_id', id + 1n);
  return id;
}

// Layout 2 added the indexes above. A marketplace from before has none: they are built once, from every entry,
// on its first upgrade to this version (which costs what every upgrade cost before); a new one starts with them.
const LAYOUT = 2n;

/** Builds the indexes a marketplace of an earlier layout lacks; nothing when they are there (or nothing is stored). */
export function upgradeLayout(): void {
  if ((counters.get('layout') ?? 1n) >= LAYOUT) return;
  const live = new LiveOffers(liveStore);
  for (const offer of offers.values()) {
    stableOffers.providers.add(providerKey(offer.provider), offer.id);
    if ('retired' in offer.status) continue;
    for (const model of offer.terms.models) live.add(model, offer.id);
    live.adjustTotal(1);
  }
  for (const [key, standing] of standings.items()) if (standing.certified) certified.insert(key, true);
  for (const job of jobs.values().map(decodeJob)) {
    stableJobs.consumers.add(providerKey(job.consumer), job.id);
    if (!isFinal(job.state)) stableJobs.unfinished.add(job.id);
  }
  counters.insert('layout', LAYOUT);
}
