// A job's byte form in stable memory (byte_form.ts). A job is written at every step it takes, five times or more,
// and Candid cost about 8 million instructions per write; this form costs a fraction of that. Jobs written before
// it are Candid, which starts with "DIDL": they still read, and are rewritten in this form at their next step.
import type { Principal } from '@dfinity/principal';

import { decodeCandid } from '../shared/candid_cache';
import { Reader, Writer } from './byte_form';
import { Job, type JobState, type Lane } from './job_types';

const FORMAT = 1;
const CANDID = 0x44; // 'D'
const STATES: JobState[] = [
  { submitted: null },
  { rejected: null },
  { matched: null },
  { dispatched: null },
  { completed: null },
  { failed: null },
  { settled: null },
  { refunded: null },
];
const LANES: Lane[] = [{ standard: null }, { priority: null }];

const indexOf = (variants: object[], value: object): number => {
  const name = Object.keys(value)[0];
  const index = variants.findIndex((variant) => name in variant);
  if (index < 0) throw new Error(`job codec: no variant ${name}`);
  return index;
};

function option<T>(w: Writer, value: [] | [T], write: (inner: T) => void): void {
  w.small(value.length);
  if (value.length === 1) write(value[0]);
}

function readOption<T>(r: Reader, read: () => T): [] | [T] {
  return r.small() === 1 ? [read()] : [];
}

export function encodeJob(job: Job): Uint8Array {
  const w = new Writer(FORMAT);
  const q = job.request;
  w.nat(job.id);
  w.principal(job.consumer);
  w.nat(q.model);
  w.blob(q.input_hash);
  w.nat(q.input_bytes);
  w.small(q.max_tokens);
  w.nat(q.max_price);
  w.small(q.redundancy);
  w.small(indexOf(LANES, q.lane));
  option(w, q.region, (region) => w.text(region));
  const h = q.hardware;
  for (const n of [h.min_vram_gib, h.min_compute_capability_x10, h.min_cpu_cores, h.min_ram_gib]) w.small(n);
  option(w, q.reservation, (id) => w.nat(id));
  option(w, q.input, (input) => w.text(input));
  option(w, q.generation, (g) => {
    w.float(g.temperature);
    w.float(g.top_p);
    w.small(g.seed);
    w.small(g.stop.length);
    for (const stop of g.stop) w.text(stop);
    w.small(g.chat ? 1 : 0);
  });
  w.small(indexOf(STATES, job.state));
  w.small(job.offers.length);
  for (const offer of job.offers) w.nat(offer);
  w.small(job.quotes.length);
  for (const quote of job.quotes) w.nat(quote);
  w.nat(job.price);
  w.principal(job.creator);
  w.small(job.royalty_bps);
  option(w, job.result_hash, (hash) => w.blob(hash));
  w.small(job.paid_nodes.length);
  for (const node of job.paid_nodes) w.principal(node);
  w.small(job.late_refund_bps);
  option(w, job.failure, (failure) => w.text(failure));
  w.nat(job.created_at);
  w.nat(job.updated_at);
  return w.done();
}

export function decodeJob(bytes: Uint8Array): Job {
  if (bytes[0] === CANDID) {
    const job = decodeCandid([Job], bytes)[0] as Job;
    // Candid decodes a vec nat64 as a BigUint64Array, whose map() cannot hold anything but bigints: make it an array.
    return { ...job, offers: Array.from(job.offers) };
  }
  const r = new Reader(bytes);
  if (r.format !== FORMAT) throw new Error(`job codec: unknown format ${r.format}`);
  const list = <T>(read: () => T): T[] => Array.from({ length: r.small() }, read);
  const id = r.nat();
  const consumer = r.principal();
  const request = {
    model: r.nat(),
    input_hash: r.blob(),
    input_bytes: r.nat(),
    max_tokens: r.small(),
    max_price: r.nat(),
    redundancy: r.small(),
    lane: LANES[r.small()],
    region: readOption(r, () => r.text()),
    hardware: { min_vram_gib: r.small(), min_compute_capability_x10: r.small(), min_cpu_cores: r.small(), min_ram_gib: r.small() },
    reservation: readOption(r, () => r.nat()),
    input: readOption(r, () => r.text()),
    generation: readOption(r, () => ({
      temperature: r.float(),
      top_p: r.float(),
      seed: r.small(),
      stop: list(() => r.text()),
      chat: r.small() === 1,
    })),
  };
  const job: Job = {
    id,
    consumer,
    request,
    state: STATES[r.small()],
    offers: list(() => r.nat()),
    quotes: list(() => r.nat()),
    price: r.nat(),
    creator: r.principal(),
    royalty_bps: r.small(),
    result_hash: readOption(r, () => r.blob()),
    paid_nodes: list((): Principal => r.principal()),
    late_refund_bps: r.small(),
    failure: readOption(r, () => r.text()),
    created_at: r.nat(),
    updated_at: r.nat(),
  };
  // A short or long record, or a variant out of range, means the stored bytes and this code disagree.
  if (job.state === undefined || request.lane === undefined || !r.done) throw new Error(`job codec: malformed job ${id}`);
  return job;
}
