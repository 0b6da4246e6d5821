// dfx.json's `metadata` entries with a `content`, as custom sections `icp:<visibility> <name>` of the built Wasm,
// which is what dfx does after a build (azle does not). The local asset canister uses it to declare
// `supported_certificate_versions` "1,2", as DFINITY's asset canister does, so the HTTP gateway refuses a response
// certified only with v1 (where the status and headers go unverified).
import { readFile, writeFile } from 'node:fs/promises';

export type MetadataEntry = { name: string; content?: string; visibility?: 'public' | 'private' };

const leb128 = (n: number): number[] => {
  const bytes: number[] = [];
  do {
    bytes.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return bytes;
};

/** A custom section: id 0, its size, the name (length-prefixed), the content. */
export function customSection(name: string, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes, ...content];
  return new Uint8Array([0, ...leb128(body.length), ...body]);
}

/** The Wasm with a section appended for each entry that has content and is not there yet. */
export function withMetadata(wasm: Uint8Array<ArrayBuffer>, metadata: MetadataEntry[]): Uint8Array<ArrayBuffer> {
  const present = new Set(sectionNames(wasm));
  const added = metadata
    .filter((m) => m.content !== undefined)
    .map((m) => ({ name: `icp:${m.visibility ?? 'public'} ${m.name}`, content: m.content! }))
    .filter((m) => !present.has(m.name))
    .map((m) => customSection(m.name, new TextEncoder().encode(m.content)));
  if (added.length === 0) return wasm;
  const out = new Uint8Array(wasm.length + added.reduce((n, s) => n + s.length, 0));
  out.set(wasm);
  let at = wasm.length;
  for (const section of added) {
    out.set(section, at);
    at += section.length;
  }
  return out;
}

/** The names of a Wasm binary's custom sections. */
function sectionNames(wasm: Uint8Array): string[] {
  const names: string[] = [];
  const read = (at: number): [number, number] => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return [value, at];
    }
  };
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = read(at + 1);
    if (id === 0) {
      const [length, nameAt] = read(start);
      names.push(new TextDecoder().decode(wasm.subarray(nameAt, nameAt + length)));
    }
    at = start + size;
  }
  return names;
}

export async function addMetadata(wasmPath: string, metadata: unknown): Promise<void> {
  if (!Array.isArray(metadata) || metadata.length === 0) return;
  const wasm = new Uint8Array(await readFile(wasmPath));
  const out = withMetadata(wasm, metadata as MetadataEntry[]);
  if (out !== wasm) await writeFile(wasmPath, out);
}
