// A writer for GGUF version 3 files (the format llama.cpp loads): a header, typed metadata, tensor descriptions and
// the tensor data, each tensor aligned to `general.alignment`. Only what the test model needs: scalar, string and
// array metadata, and 32-bit float tensors.

export type MetadataValue =
  | { u32: number }
  | { i32: number }
  | { f32: number }
  | { bool: boolean }
  | { string: string }
  | { strings: string[] }
  | { f32s: number[] }
  | { i32s: number[] };

export type Tensor = { name: string; /** ggml order: the innermost (contiguous) dimension first */ dims: number[]; data: Float32Array };

const ALIGNMENT = 32;
const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const VERSION = 3;
const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_F32 = 0;

class ByteWriter {
  private chunks: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  private view(size: number, write: (view: DataView) => void): void {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    this.push(bytes);
  }
  u32 = (v: number) => this.view(4, (d) => d.setUint32(0, v, true));
  i32 = (v: number) => this.view(4, (d) => d.setInt32(0, v, true));
  u64 = (v: number | bigint) => this.view(8, (d) => d.setBigUint64(0, BigInt(v), true));
  f32 = (v: number) => this.view(4, (d) => d.setFloat32(0, v, true));
  bool = (v: boolean) => this.push(new Uint8Array([v ? 1 : 0]));
  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(bytes: Uint8Array): void {
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad > 0) this.push(new Uint8Array(pad));
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function writeValue(w: ByteWriter, value: MetadataValue): void {
  if ('u32' in value) return void (w.u32(TYPE.u32), w.u32(value.u32));
  if ('i32' in value) return void (w.u32(TYPE.i32), w.i32(value.i32));
  if ('f32' in value) return void (w.u32(TYPE.f32), w.f32(value.f32));
  if ('bool' in value) return void (w.u32(TYPE.bool), w.bool(value.bool));
  if ('string' in value) return void (w.u32(TYPE.string), w.string(value.string));
  w.u32(TYPE.array);
  if ('strings' in value) {
    w.u32(TYPE.string);
    w.u64(value.strings.length);
    for (const s of value.strings) w.string(s);
  } else if ('f32s' in value) {
    w.u32(TYPE.f32);
    w.u64(value.f32s.length);
    for (const f of value.f32s) w.f32(f);
  } else {
    w.u32(TYPE.i32);
    w.u64(value.i32s.length);
    for (const i of value.i32s) w.i32(i);
  }
}

/** The bytes of a GGUF file holding `metadata` and `tensors`, in the order given. */
export function writeGguf(metadata: [string, MetadataValue][], tensors: Tensor[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length + 1);
  w.string('general.alignment');
  writeValue(w, { u32: ALIGNMENT });
  for (const [key, value] of metadata) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) throw new Error(`tensor ${tensor.name}: dims give ${count} values, data has ${tensor.data.length}`);
    w.string(tensor.name);
    w.u32(tensor.dims.length);
    for (const dim of tensor.dims) w.u64(dim);
    w.u32(GGML_F32);
    w.u64(offset);
    offset += Math.ceil((count * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    w.raw(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    w.padTo(ALIGNMENT);
  }
  return w.bytes();
}
