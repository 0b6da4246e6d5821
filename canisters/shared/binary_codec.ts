// A compact byte form for stable records, written and read field by field. Candid of a small record cost 2 to 3 M
// instructions each way in the canister's JS engine (a type walk, bigint LEB128, principal checks per value); this
// costs a fraction. Records stored before in another form stay readable: a versioned codec writes one leading
// format byte that neither Candid ('D' of DIDL) nor JSON ('{') starts with, and hands other bytes to the old
// codec. Pure: no 'azle' import.
import { Principal } from '@dfinity/principal';

type Opt<T> = [] | [T];
type Account = { owner: Principal; subaccount: Opt<Uint8Array> };

/** The first byte of every record written in this form. */
export const BINARY_FORMAT = 0x01;

export class Writer {
  private bytes: number[] = [BINARY_FORMAT];

  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }

  /** A length or small count: unsigned LEB128 of a JS number. */
  size(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
    return this;
  }

  /** A non-negative bigint as its decimal digits: the engine converts those natively, unlike bit-by-bit LEB128. */
  nat(value: bigint): this {
    if (value < 0n) throw new RangeError(`not a nat: ${value}`);
    const digits = value.toString();
    this.size(digits.length);
    for (let i = 0; i < digits.length; i++) this.bytes.push(digits.charCodeAt(i));
    return this;
  }

  blob(value: Uint8Array): this {
    this.size(value.length);
    for (let i = 0; i < value.length; i++) this.bytes.push(value[i]);
    return this;
  }

  opt<T>(value: Opt<T>, write: (value: T) => unknown): this {
    this.u8(value.length);
    if (value.length === 1) write(value[0]);
    return this;
  }

  account(account: Account): this {
    this.blob(account.owner.toUint8Array());
    return this.opt(account.subaccount, (subaccount) => this.blob(subaccount));
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export class Reader {
  // Skips the format byte.
  private at = 1;

  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    if (this.at >= this.bytes.length) throw new RangeError('binary record: truncated');
    return this.bytes[this.at++];
  }

  size(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  nat(): bigint {
    const length = this.size();
    return BigInt(String.fromCharCode(...this.take(length)));
  }

  blob(): Uint8Array {
    return this.take(this.size()).slice();
  }

  opt<T>(read: () => T): Opt<T> {
    return this.u8() === 1 ? [read()] : [];
  }

  account(): Account {
    const owner = Principal.fromUint8Array(this.blob());
    return { owner, subaccount: this.opt(() => this.blob()) };
  }

  private take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new RangeError('binary record: truncated');
    const part = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return part;
  }
}

type Codec<T> = { toBytes(value: T): Uint8Array; fromBytes(bytes: Uint8Array): T };

/** Writes `write`'s form; reads it back, or hands bytes stored before in `earlier`'s form to `earlier`. */
export function versioned<T>(write: (w: Writer, value: T) => unknown, read: (r: Reader) => T, earlier: Codec<T>): Codec<T> {
  return {
    toBytes(value) {
      const writer = new Writer();
      write(writer, value);
      return writer.done();
    },
    fromBytes(bytes) {
      return bytes[0] === BINARY_FORMAT ? read(new Reader(bytes)) : earlier.fromBytes(bytes);
    },
  };
}
