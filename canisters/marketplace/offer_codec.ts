// A compact byte form of an offer for stable memory. Azle's default (JSON with a replacer that writes principals
// as text, then a TextEncoder written in JS) cost about 14 million instructions to read one offer back, which made
// rebuilding the index of 10,000 offers in postUpgrade cost over 100 billion. Here principals are their raw bytes,
// integers are LEB128, text is its UTF-16 code units (exact for any string, no TextEncoder), variants one byte.
import { Principal } from '@dfinity/principal';

import type { Offer, OfferStatus } from './offer_types';

// Format 2 added sla.late_refund_bps; offers stored in format 1 read it as 0 (no refund declared).
const FORMAT = 2;
const STATUSES: OfferStatus[] = [{ active: null }, { paused: null }, { retired: null }];

class Writer {
  readonly bytes: number[] = [FORMAT];
  nat(value: bigint | number): void {
    let v = BigInt(value);
    if (v < 0n) throw new Error('offer codec: negative integer');
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.bytes.push(v === 0n ? byte : byte | 0x80);
    } while (v !== 0n);
  }
  small(value: number): void {
    // Numbers below 2^32 without bigint arithmetic.
    do {
      const byte = value % 128;
      value = Math.floor(value / 128);
      this.bytes.push(value === 0 ? byte : byte | 0x80);
    } while (value !== 0);
  }
  text(value: string): void {
    this.small(value.length);
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      this.bytes.push(code & 0xff, code >> 8);
    }
  }
  principal(value: Principal): void {
    const raw = value.toUint8Array();
    this.small(raw.length);
    for (const byte of raw) this.bytes.push(byte);
  }
}

class Reader {
  private at = 1;
  readonly format: number;
  constructor(private readonly bytes: Uint8Array) {
    this.format = bytes[0];
    if (this.format !== 1 && this.format !== FORMAT) throw new Error(`offer codec: unknown format ${bytes[0]}`);
  }
  nat(): bigint {
    let [value, shift] = [0n, 0n];
    for (;;) {
      const byte = this.bytes[this.at++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
      shift += 7n;
    }
  }
  small(): number {
    let [value, scale] = [0, 1];
    for (;;) {
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
  text(): string {
    const length = this.small();
    let out = '';
    for (let i = 0; i < length; i++, this.at += 2) out += String.fromCharCode(this.bytes[this.at] | (this.bytes[this.at + 1] << 8));
    return out;
  }
  principal(): Principal {
    const length = this.small();
    const raw = this.bytes.slice(this.at, this.at + length);
    this.at += length;
    return Principal.fromUint8Array(raw);
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

export function encodeOffer(offer: Offer): Uint8Array {
  const w = new Writer();
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
  return Uint8Array.from(w.bytes);
}

export function decodeOffer(bytes: Uint8Array): Offer {
  const r = new Reader(bytes);
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
