// Minimal reader and writer for the WebAssembly binary format's integers (LEB128).

export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('unexpected end of wasm binary');
    return this.bytes[this.pos++];
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }

  /** Skips a signed LEB128 of any width (i32.const, i64.const, block types). */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  /** Reads a signed 33-bit block type: negative one-byte codes or a type index. */
  s33(): number {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return Number(result);
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new Error('unexpected end of wasm binary');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    return new TextDecoder().decode(this.take(this.u32()));
  }
}

export class Writer {
  private buf = new Uint8Array(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }

  u32(value: number): this {
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  i32(value: number): this {
    return this.i64(BigInt(value | 0));
  }

  i64(value: bigint): this {
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** A non-negative value in exactly five LEB128 bytes, so it can be patched later. */
  paddedU32(value: number): number {
    const at = this.length;
    for (let i = 0; i < 5; i++) this.byte(((value >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
    return at;
  }

  patchPaddedU32(at: number, value: number): void {
    for (let i = 0; i < 5; i++) this.buf[at + i] = ((value >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0);
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  name(text: string): this {
    const encoded = new TextEncoder().encode(text);
    return this.u32(encoded.length).bytes(encoded);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
