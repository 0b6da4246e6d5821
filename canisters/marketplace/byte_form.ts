// The compact byte forms of offers and jobs in stable memory (offer_codec.ts, job_codec.ts): a format byte, then
// integers as LEB128, text as its UTF-16 code units (exact for any string, no TextEncoder), principals and blobs as
// their raw bytes after their length, variants and options one byte. Pure: no 'azle' import.
import { Principal } from '@dfinity/principal';

export class Writer {
  readonly bytes: number[];
  constructor(format: number) {
    this.bytes = [format];
  }
  nat(value: bigint | number): void {
    let v = BigInt(value);
    if (v < 0n) throw new Error('byte form: negative integer');
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
  blob(value: Uint8Array): void {
    this.small(value.length);
    for (const byte of value) this.bytes.push(byte);
  }
  principal(value: Principal): void {
    this.blob(value.toUint8Array());
  }
  float(value: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value);
    for (const byte of bytes) this.bytes.push(byte);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export class Reader {
  private at = 1;
  readonly format: number;
  constructor(private readonly bytes: Uint8Array) {
    this.format = bytes[0];
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
  blob(): Uint8Array {
    const length = this.small();
    const raw = this.bytes.slice(this.at, this.at + length);
    this.at += length;
    return raw;
  }
  principal(): Principal {
    return Principal.fromUint8Array(this.blob());
  }
  float(): number {
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8).getFloat64(0);
    this.at += 8;
    return value;
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}
