// Candid values read in one pass by readers built once per type, for messages whose type table is exactly the one
// these types produce (candid_cache.ts checks that), so the wire types are the declared ones. @dfinity/candid reads
// each number with bigint arithmetic, byte by byte; in the canisters' JS engine a job's hand-over took 3.6 M
// instructions to decode. These readers give the same values, of the same JS types (bigints, numbers, typed arrays
// for vectors of fixed-width numbers, Principals), and give up on anything malformed, for the library to read or
// refuse as before. Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { decodeUtf8 } from './utf8';
import { builtOnce, componentsOf } from './candid_types';

const GIVE_UP = new Error('the candid reader leaves this message to the library');

/** A cursor over a message's values. */
export class In {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw GIVE_UP;
    return this.bytes[this.at++];
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.at) throw GIVE_UP;
    const part = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return part;
  }

  /** Unsigned LEB128 as a number; one past 2^53 gives up (no length or index gets near it). */
  uleb(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 49) throw GIVE_UP;
    }
    return value;
  }

  ulebBig(): bigint {
    const start = this.at;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return BigInt(value);
      scale *= 0x80;
    }
    this.at = start;
    let big = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return big;
      shift += 7n;
    }
  }

  slebBig(): bigint {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) return byte & 0x40 ? value - (1n << shift) : value;
    }
  }

  /** A little-endian unsigned integer of up to 4 bytes. */
  le32(bytes: number): number {
    let value = 0;
    for (let i = 0; i < bytes; i++) value += this.byte() * 2 ** (8 * i);
    return value;
  }
}

export type Read = (input: In) => unknown;

const readers = new WeakMap<IDL.Type, Read>();

/** The reader of a type, built on first use; throws for a type it cannot read (func, service). */
export function readerOf(type: IDL.Type): Read {
  return builtOnce(readers, type, build);
}

function build(type: IDL.Type): Read {
  if (type instanceof IDL.RecClass) return readerOf(type.getType()!);
  if (type instanceof IDL.TupleClass) {
    const components = componentsOf(type).map(readerOf);
    return (input) => components.map((read) => read(input));
  }
  if (type instanceof IDL.RecordClass) {
    const fields = type._fields.map(([name, t]) => [name, readerOf(t)] as const);
    return (input) => {
      const value: Record<string, unknown> = {};
      for (const [name, read] of fields) value[name] = read(input);
      return value;
    };
  }
  if (type instanceof IDL.VariantClass) {
    const fields = type._fields.map(([name, t]) => [name, readerOf(t)] as const);
    return (input) => {
      const field = fields[input.uleb()];
      if (field === undefined) throw GIVE_UP;
      return { [field[0]]: field[1](input) };
    };
  }
  if (type instanceof IDL.VecClass) return vec(type._type);
  if (type instanceof IDL.OptClass) {
    const read = readerOf(type._type);
    return (input) => {
      const tag = input.byte();
      if (tag === 0) return [];
      if (tag !== 1) throw GIVE_UP;
      return [read(input)];
    };
  }
  if (type instanceof IDL.FixedNatClass || type instanceof IDL.FixedIntClass) return fixed(type._bits, type instanceof IDL.FixedIntClass);
  if (type instanceof IDL.NatClass) return (input) => input.ulebBig();
  if (type instanceof IDL.IntClass) return (input) => input.slebBig();
  if (type instanceof IDL.FloatClass) {
    const bytes = type._bits / 8;
    return (input) => {
      const view = new DataView(input.take(bytes).buffer);
      return bytes === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
    };
  }
  if (type instanceof IDL.TextClass) return (input) => decodeUtf8(input.take(input.uleb()), true);
  if (type instanceof IDL.BoolClass) {
    return (input) => {
      const byte = input.byte();
      if (byte > 1) throw GIVE_UP;
      return byte === 1;
    };
  }
  if (type instanceof IDL.NullClass || type instanceof IDL.ReservedClass) return () => null;
  if (type instanceof IDL.PrincipalClass) {
    return (input) => {
      if (input.byte() !== 1) throw GIVE_UP;
      return Principal.fromUint8Array(input.take(input.uleb()));
    };
  }
  throw GIVE_UP;
}

function fixed(bits: number, signed: boolean): Read {
  const bytes = bits / 8;
  if (bits <= 32) {
    const half = 2 ** (bits - 1);
    return signed
      ? (input) => {
          const value = input.le32(bytes);
          return value >= half ? value - 2 * half : value;
        }
      : (input) => input.le32(bytes);
  }
  return (input) => {
    const low = BigInt(input.le32(4));
    const value = (BigInt(input.le32(4)) << 32n) | low;
    return signed ? BigInt.asIntN(64, value) : value;
  };
}

// Vectors of fixed-width numbers come back as typed arrays, as the library gives them.
const TYPED: Record<string, (bytes: Uint8Array, length: number) => unknown> = {
  nat8: (bytes) => bytes,
  nat16: (bytes, n) => new Uint16Array(bytes.buffer, 0, n),
  nat32: (bytes, n) => new Uint32Array(bytes.buffer, 0, n),
  nat64: (bytes) => new BigUint64Array(bytes.buffer),
  int8: (bytes) => new Int8Array(bytes),
  int16: (bytes, n) => {
    const view = new DataView(bytes.buffer);
    return Int16Array.from({ length: n }, (_, i) => view.getInt16(i * 2, true));
  },
  int32: (bytes, n) => {
    const view = new DataView(bytes.buffer);
    return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
  },
  int64: (bytes, n) => {
    const view = new DataView(bytes.buffer);
    return BigInt64Array.from({ length: n }, (_, i) => view.getBigInt64(i * 8, true));
  },
};

function vec(element: IDL.Type): Read {
  if (element instanceof IDL.FixedNatClass || element instanceof IDL.FixedIntClass) {
    const typed = TYPED[element.name];
    const width = element._bits / 8;
    return (input) => {
      const length = input.uleb();
      return typed(input.take(length * width), length);
    };
  }
  const read = readerOf(element);
  return (input) => {
    const length = input.uleb();
    // Each element takes a byte at least, except null and reserved ones: a length past the bytes left is malformed.
    if (length > input.bytes.length - input.at && !(element instanceof IDL.NullClass || element instanceof IDL.ReservedClass))
      throw GIVE_UP;
    const values: unknown[] = [];
    for (let i = 0; i < length; i++) values.push(read(input));
    return values;
  };
}
