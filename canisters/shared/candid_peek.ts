// Reading one or two values out of a Candid message without decoding the rest: the bytes are walked against the
// message's own type table, skipping what is not kept. The outcall's transform runs on every replica of the
// subnet, so decoding its whole argument (the headers it drops, the type table rebuilt as IDL types) is paid once
// per replica; and replies such as the marketplace's to a report (a whole job) or identity's to a reputation change
// (the history of the last 100) are read for their Ok or Err alone (peer_call.ts).
// Pure: no 'azle' import.
import { idlLabelToId } from '@dfinity/candid';

/** The part of an http_transform_args the transform keeps. */
export type Kept = { status: bigint; body: Uint8Array };

const RESPONSE = idlLabelToId('response');
const STATUS = idlLabelToId('status');
const BODY = idlLabelToId('body');

// Type codes of the Candid spec.
const NAT = -3;
const INT = -4;
const NAT8 = -5;
const OPT = -18;
const VEC = -19;
const RECORD = -20;
const VARIANT = -21;
const FUNC = -22;
const SERVICE = -23;
const PRINCIPAL = -24;

// Bytes of the fixed-size primitives: null, bool, nat8..nat64, int8..int64, float32, float64, reserved, empty.
const FIXED = new Map([
  [-1, 0],
  [-2, 1],
  [-5, 1],
  [-6, 2],
  [-7, 4],
  [-8, 8],
  [-9, 1],
  [-10, 2],
  [-11, 4],
  [-12, 8],
  [-13, 4],
  [-14, 8],
  [-16, 0],
  [-17, 0],
]);

type Entry = { code: number; inner: number; fields: [number, number][] };

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('candid: the argument ends early');
    return this.bytes[this.at++];
  }

  skip(count: number): void {
    if (count > this.bytes.length - this.at) throw new Error('candid: the argument ends early');
    this.at += count;
  }

  take(count: number): Uint8Array {
    const start = this.at;
    this.skip(count);
    return this.bytes.subarray(start, this.at);
  }

  nat(): number {
    const value = this.bigNat();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('candid: a length out of range');
    return Number(value);
  }

  bigNat(): bigint {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
  }

  int(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return b & 0x40 ? value - 2 ** shift : value;
    }
  }
}

function typeTable(r: Reader): Entry[] {
  const table: Entry[] = [];
  for (let n = r.nat(); n > 0; n--) {
    const code = r.int();
    const entry: Entry = { code, inner: 0, fields: [] };
    if (code === OPT || code === VEC) entry.inner = r.int();
    else if (code === RECORD || code === VARIANT) for (let f = r.nat(); f > 0; f--) entry.fields.push([r.nat(), r.int()]);
    else if (code === FUNC) {
      for (let k = r.nat(); k > 0; k--) r.int();
      for (let k = r.nat(); k > 0; k--) r.int();
      r.skip(r.nat());
    } else if (code === SERVICE) for (let k = r.nat(); k > 0; k--) (r.skip(r.nat()), r.int());
    else throw new Error(`candid: type code ${code} in the table`);
    table.push(entry);
  }
  return table;
}

function skipPrincipal(r: Reader): void {
  if (r.byte() !== 1) throw new Error('candid: an opaque reference');
  r.skip(r.nat());
}

function skipValue(r: Reader, table: Entry[], type: number): void {
  if (type >= 0) {
    const entry = table[type];
    if (entry === undefined) throw new Error(`candid: no type ${type}`);
    if (entry.code === OPT) {
      if (r.byte() === 1) skipValue(r, table, entry.inner);
    } else if (entry.code === VEC) {
      const length = r.nat();
      if (entry.inner === NAT8) r.skip(length);
      else for (let i = 0; i < length; i++) skipValue(r, table, entry.inner);
    } else if (entry.code === RECORD) for (const [, field] of entry.fields) skipValue(r, table, field);
    else if (entry.code === VARIANT) {
      const chosen = entry.fields[r.nat()];
      if (chosen === undefined) throw new Error('candid: a variant out of range');
      skipValue(r, table, chosen[1]);
    } else if (entry.code === FUNC) {
      skipPrincipal(r);
      r.skip(r.nat());
    } else skipPrincipal(r);
  } else if (type === NAT) r.bigNat();
  else if (type === INT) r.int();
  else if (type === -15) r.skip(r.nat());
  else if (type === PRINCIPAL) skipPrincipal(r);
  else if (FIXED.has(type)) r.skip(FIXED.get(type)!);
  else throw new Error(`candid: type code ${type}`);
}

function record(table: Entry[], type: number): [number, number][] {
  const entry = type >= 0 ? table[type] : undefined;
  if (entry?.code !== RECORD) throw new Error('candid: not a record where one is expected');
  return entry.fields;
}

// The reader past the message's header, its type table, and the type of its first value.
function opening(message: Uint8Array): { r: Reader; table: Entry[]; first: number } {
  const r = new Reader(message);
  if (r.take(4).some((b, i) => b !== 'DIDL'.charCodeAt(i))) throw new Error('candid: not a Candid message');
  const table = typeTable(r);
  const types: number[] = [];
  for (let n = r.nat(); n > 0; n--) types.push(r.int());
  if (types.length === 0) throw new Error('candid: no value in the message');
  return { r, table, first: types[0] };
}

/** The label of the variant case that the message's first value takes, or undefined if it is no variant. */
export function variantLabelOf(message: Uint8Array, labels: string[]): string | undefined {
  const { r, table, first } = opening(message);
  const entry = first >= 0 ? table[first] : undefined;
  if (entry?.code !== VARIANT) return undefined;
  const chosen = entry.fields[r.nat()];
  return chosen === undefined ? undefined : labels.find((label) => idlLabelToId(label) === chosen[0]);
}

/** The response's status and body in an http_transform_args message. */
export function keptOf(message: Uint8Array): Kept {
  const { r, table, first: argument } = opening(message);
  let kept: Partial<Kept> = {};
  for (const [id, type] of record(table, argument)) {
    if (id !== RESPONSE) {
      skipValue(r, table, type);
      continue;
    }
    for (const [field, inner] of record(table, type)) {
      const entry = inner >= 0 ? table[inner] : undefined;
      if (field === STATUS && inner === NAT) kept = { ...kept, status: r.bigNat() };
      else if (field === BODY && entry?.code === VEC && entry.inner === NAT8) kept = { ...kept, body: r.take(r.nat()) };
      else skipValue(r, table, inner);
    }
  }
  if (kept.status === undefined || kept.body === undefined) throw new Error('candid: no status or body in the response');
  return { status: kept.status, body: kept.body };
}
