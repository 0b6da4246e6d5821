// A compact byte form of an offer for stable memory (byte_form.ts). Azle's default (JSON with a replacer that
// writes principals as text, then a TextEncoder written in JS) cost about 14 million instructions to read one offer
// back, which made rebuilding the index of 10,000 offers in postUpgrade cost over 100 billion.
import { Reader, Writer } from './byte_form';
import type { Offer, OfferStatus } from './offer_types';

// Format 2 added sla.late_refund_bps; offers stored in format 1 read it as 0 (no refund declared).
const FORMAT = 2;
const STATUSES: OfferStatus[] = [{ active: null }, { paused: null }, { retired: null }];

export function encodeOffer(offer: Offer): Uint8Array {
  const w = new Writer(FORMAT);
  const t = offer.terms;
  w.nat(offer.id);
  w.principal(offer.provider);
  w.small(t.nodes.length);
  for (const node of t.nodes) w.principal(node);
  w.small(t.models.length);
  for (const model of t.models) w.nat(model);
  w.text(t.hardware.gpu_model);
  for (const n of [t.hardware.vram_gib, t.hardware.compute_capability_x10, t.hardware.cpu_cores, t.hardware.ram_gib]) w.small(n);
  w.text(t.region);
  w.small('per_request' in t.price.unit ? 1 : 0);
  w.nat(t.price.amount);
  w.nat(t.reservation_price_per_slot_hour);
  w.small(t.capacity);
  w.small(t.sla.p95_latency_ms);
  w.small(t.sla.uptime_bps);
  w.small(t.sla.late_refund_bps);
  w.small(offer.load);
  w.small(STATUSES.findIndex((s) => Object.keys(s)[0] === Object.keys(offer.status)[0]));
  w.nat(offer.created_at);
  w.nat(offer.updated_at);
  return w.done();
}

export function decodeOffer(bytes: Uint8Array): Offer {
  const r = new Reader(bytes);
  if (r.format !== 1 && r.format !== FORMAT) throw new Error(`offer codec: unknown format ${r.format}`);
  const id = r.nat();
  const provider = r.principal();
  const nodes = Array.from({ length: r.small() }, () => r.principal());
  const models = Array.from({ length: r.small() }, () => r.nat());
  const hardware = {
    gpu_model: r.text(),
    vram_gib: r.small(),
    compute_capability_x10: r.small(),
    cpu_cores: r.small(),
    ram_gib: r.small(),
  };
  const region = r.text();
  const unit = r.small() === 1 ? { per_request: null } : { per_1k_tokens: null };
  const price = { unit, amount: r.nat() };
  const reservation_price_per_slot_hour = r.nat();
  const capacity = r.small();
  const sla = { p95_latency_ms: r.small(), uptime_bps: r.small(), late_refund_bps: 0 };
  if (r.format >= 2) sla.late_refund_bps = r.small();
  const load = r.small();
  const status = STATUSES[r.small()];
  const created_at = r.nat();
  const updated_at = r.nat();
  // A short or long record means the stored bytes and this code disagree: a broken invariant.
  if (status === undefined || !r.done) throw new Error(`offer codec: malformed offer ${id}`);
  return {
    id,
    provider,
    terms: { nodes, models, hardware, region, price, reservation_price_per_slot_hour, capacity, sla },
    load,
    status,
    created_at,
    updated_at,
  };
}
