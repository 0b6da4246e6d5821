// Candid values written in one pass by writers built once per type. @dfinity/candid checks a value against its type
// in one walk (covariant) and encodes it in another, each number through bigint arithmetic and each part as a new
// array joined at the end; in the canisters' JS engine that cost millions of instructions for one job record. These
// writers produce the same bytes for the values they know and give up (Unsupported) on anything else, for the
// library to encode or refuse as before: so an invalid value still fails with the library's own error.
// Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';

import { encodeUtf8 } from './utf8';
import { builtOnce, componentsOf } from './candid_types';

/** Thrown by a writer for a value (or type) it leaves to the library. */
export class Unsupported extends Error {}
const GIVE_UP = new Unsupported('the candid writer leaves this value to the library');

/** A growing byte buffer. */
export class Out {
  bytes = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.room(1);
    this.bytes[this.length++] = value;
  }

  raw(part: Uint8Array): void {
    this.room(part.length);
    this.bytes.set(part, this.length);
    this.length += part.length;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  uleb(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  ulebBig(value: bigint): void {
    if (value <= 0x1fffffffffffffn) return this.uleb(Number(value));
    while (value >= 0x80n) {
      this.byte(Number(value & 0x7fn) | 0x80);
      value >>= 7n;
    }
    this.byte(Number(value));
  }

  slebBig(value: bigint): void {
    for (;;) {
      const low = Number(value & 0x7fn);
      value >>= 7n;
      const done = (value === 0n && (low & 0x40) === 0) || (value === -1n && (low & 0x40) !== 0);
      this.byte(done ? low : low | 0x80);
      if (done) return;
    }
  }

  /** The low `bytes` bytes of a 32-bit integer, little-endian. */
  le32(value: number, bytes: number): void {
    for (let i = 0; i < bytes; i++) this.byte((value >>> (8 * i)) & 0xff);
  }

  done(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export type Write = (out: Out, value: unknown) => void;

const writers = new WeakMap<IDL.Type, Write>();

const has = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The writer of a type, built on first use; throws Unsupported for a type it cannot write (func, service). */
export function writerOf(type: IDL.Type): Write {
  return builtOnce(writers, type, build);
}

function build(type: IDL.Type): Write {
  if (type instanceof IDL.RecClass) return writerOf(type.getType()!);
  if (type instanceof IDL.TupleClass) return tuple(componentsOf(type).map(writerOf));
  if (type instanceof IDL.RecordClass) return record(type._fields.map(([name, t]) => [name, writerOf(t)] as const));
  if (type instanceof IDL.VariantClass) return variant(type._fields.map(([name, t]) => [name, writerOf(t)] as const));
  if (type instanceof IDL.VecClass) return vec(type._type);
  if (type instanceof IDL.OptClass) return opt(writerOf(type._type));
  if (type instanceof IDL.FixedNatClass) return fixed(type._bits, false);
  if (type instanceof IDL.FixedIntClass) return fixed(type._bits, true);
  if (type instanceof IDL.NatClass) return nat;
  if (type instanceof IDL.IntClass) return int;
  if (type instanceof IDL.FloatClass) return type._bits === 32 ? float32 : float64;
  if (type instanceof IDL.TextClass) return text;
  if (type instanceof IDL.BoolClass) return bool;
  if (type instanceof IDL.NullClass) return nothing;
  if (type instanceof IDL.ReservedClass) return () => {};
  if (type instanceof IDL.PrincipalClass) return principal;
  throw GIVE_UP;
}

function tuple(components: Write[]): Write {
  return (out, value) => {
    if (!Array.isArray(value) || value.length < components.length) throw GIVE_UP;
    for (let i = 0; i < components.length; i++) components[i](out, value[i]);
  };
}

function record(fields: (readonly [string, Write])[]): Write {
  return (out, value) => {
    if (!isObject(value)) throw GIVE_UP;
    for (const [name, write] of fields) {
      if (!has(value, name)) throw GIVE_UP;
      write(out, value[name]);
    }
  };
}

function variant(fields: (readonly [string, Write])[]): Write {
  return (out, value) => {
    if (!isObject(value)) throw GIVE_UP;
    const keys = Object.keys(value);
    if (keys.length !== 1) throw GIVE_UP;
    for (let i = 0; i < fields.length; i++) {
      if (fields[i][0] !== keys[0]) continue;
      out.uleb(i);
      return fields[i][1](out, value[keys[0]]);
    }
    throw GIVE_UP;
  };
}

function vec(element: IDL.Type): Write {
  if (element instanceof IDL.FixedNatClass && element._bits === 8) return blob;
  const write = writerOf(element);
  return (out, value) => {
    if (!Array.isArray(value)) throw GIVE_UP;
    out.uleb(value.length);
    for (let i = 0; i < value.length; i++) write(out, value[i]);
  };
}

const blob: Write = (out, value) => {
  if (value instanceof Uint8Array) {
    out.uleb(value.length);
    return out.raw(value);
  }
  if (!Array.isArray(value)) throw GIVE_UP;
  out.uleb(value.length);
  for (let i = 0; i < value.length; i++) {
    const byte = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 0xff) throw GIVE_UP;
    out.byte(byte);
  }
};

function opt(write: Write): Write {
  return (out, value) => {
    if (!Array.isArray(value) || value.length > 1) throw GIVE_UP;
    out.byte(value.length);
    if (value.length === 1) write(out, value[0]);
  };
}

/** An integer value as a bigint, or Unsupported when it is neither a bigint nor an integral number. */
function integer(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw GIVE_UP;
}

function fixed(bits: number, signed: boolean): Write {
  const bytes = bits / 8;
  const [min, max] = signed ? [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n] : [0n, 2n ** BigInt(bits) - 1n];
  const [small, smallMax] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  return (out, value) => {
    // Numbers of up to 32 bits without bigint arithmetic.
    if (bits <= 32 && typeof value === 'number' && Number.isInteger(value) && value >= small && value <= smallMax) {
      return out.le32(value, bytes);
    }
    const v = integer(value);
    if (v < min || v > max) throw GIVE_UP;
    const unsigned = BigInt.asUintN(bits, v);
    if (bits <= 32) return out.le32(Number(unsigned), bytes);
    out.le32(Number(unsigned & 0xffffffffn), 4);
    out.le32(Number(unsigned >> 32n), 4);
  };
}

const nat: Write = (out, value) => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return out.uleb(value);
  const v = integer(value);
  if (v < 0n) throw GIVE_UP;
  out.ulebBig(v);
};

const int: Write = (out, value) => out.slebBig(integer(value));

const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

const float32: Write = (out, value) => {
  if (typeof value !== 'number') throw GIVE_UP;
  scratch.setFloat32(0, value, true);
  out.raw(scratchBytes.subarray(0, 4));
};

const float64: Write = (out, value) => {
  if (typeof value !== 'number') throw GIVE_UP;
  scratch.setFloat64(0, value, true);
  out.raw(scratchBytes);
};

const text: Write = (out, value) => {
  if (typeof value !== 'string') throw GIVE_UP;
  const bytes = encodeUtf8(value);
  out.uleb(bytes.length);
  out.raw(bytes);
};

const bool: Write = (out, value) => {
  if (typeof value !== 'boolean') throw GIVE_UP;
  out.byte(value ? 1 : 0);
};

const nothing: Write = (_out, value) => {
  if (value !== null) throw GIVE_UP;
};

const principal: Write = (out, value) => {
  if (!isObject(value) || value._isPrincipal !== true) throw GIVE_UP;
  const bytes = (value as unknown as { toUint8Array(): Uint8Array }).toUint8Array();
  out.byte(1);
  out.uleb(bytes.length);
  out.raw(bytes);
};
