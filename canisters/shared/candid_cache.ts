// Candid with the type table handled once per signature. A Candid message is a header (magic bytes, the type
// table, the argument types) followed by the values, and the header depends only on the types. Building it walks
// and hashes every field of every type, and parsing one rebuilds every type, which in the canister's JS engine
// costs far more than the values: a small Err of a large result variant took 30 M instructions to encode, a job
// request 11 M to decode. So encoding reuses the header and writes the values with candid_writer.ts, and decoding,
// when a message carries exactly the header these types produce (as every peer built from the same declarations
// sends), skips the table and reads the values with candid_reader.ts; any other header goes through IDL.decode.
// Pure: no 'azle' import.
import { IDL, PipeArrayBuffer } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { In, type Read, readerOf } from './candid_reader';
import { componentsOf } from './candid_types';
import { Out, Unsupported, type Write, writerOf } from './candid_writer';

// Each part is built on first use (undefined until then). wire: null when these types cannot be mirrored (then
// IDL.decode reads what the readers leave); writers and readers: null when candid_writer.ts or candid_reader.ts
// cannot handle them (then the library always does).
type Signature = {
  header: Uint8Array | undefined;
  /** The header as a string of its bytes: comparing strings is one step of the engine, not a loop over bytes. */
  headerText?: string;
  wire: IDL.Type[] | null | undefined;
  writers?: Write[] | null;
  readers?: Read[] | null;
};

// Signatures by their types, one WeakMap level per argument: a type built on the fly (which callers should
// avoid: it rebuilds the header each time) is forgotten with it instead of piling up.
type Node = { signature?: Signature; next: WeakMap<IDL.Type, Node> };
const root: Node = { next: new WeakMap() };

function signature(types: IDL.Type[]): Signature {
  let node = root;
  for (const type of types) {
    let next = node.next.get(type);
    if (next === undefined) node.next.set(type, (next = { next: new WeakMap() }));
    node = next;
  }
  return (node.signature ??= { header: undefined, wire: undefined });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function valuesOf(types: IDL.Type[], values: unknown[]): Uint8Array {
  if (types.length !== values.length) throw new Error(`candid: ${types.length} types for ${values.length} values`);
  // As IDL.encode does: encodeValue alone would wrap a fixed-width number that does not fit instead of refusing it.
  types.forEach((type, i) => {
    if (!type.covariant(values[i])) throw new Error(`candid: invalid ${type.display()} value`);
  });
  return concat(types.map((type, i) => new Uint8Array(type.encodeValue(values[i]))));
}

// The values come last in IDL.encode's output, so what precedes their bytes is the header.
function headerOf(types: IDL.Type[], values: unknown[], body: Uint8Array): Uint8Array {
  const full = new Uint8Array(IDL.encode(types, values));
  return full.slice(0, full.length - body.length);
}

/**
 * The same bytes as IDL.encode(types, values), with the header taken from the cache after the first call and the
 * values written by candid_writer.ts; a value the writers leave to the library is encoded (or refused) by it.
 */
export function encodeCandid(types: IDL.Type[], values: unknown[]): Uint8Array {
  const sig = signature(types);
  if (sig.header !== undefined && types.length === values.length) {
    prepareWriters(sig, types);
    const written = write(sig, values, sig.header);
    if (written !== undefined) return written;
  }
  const body = valuesOf(types, values);
  sig.header ??= headerOf(types, values, body);
  return concat([sig.header, body]);
}

function prepareWriters(sig: Signature, types: IDL.Type[]): void {
  if (sig.writers !== undefined) return;
  try {
    sig.writers = types.map(writerOf);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    sig.writers = null;
  }
}

function prepareReaders(sig: Signature, types: IDL.Type[]): void {
  if (sig.readers !== undefined) return;
  try {
    sig.readers = types.map(readerOf);
  } catch {
    sig.readers = null;
  }
}

function write(sig: Signature, values: unknown[], header: Uint8Array): Uint8Array | undefined {
  if (sig.writers === null || sig.writers === undefined) return undefined;
  const out = new Out();
  out.raw(header);
  try {
    for (let i = 0; i < values.length; i++) sig.writers[i](out, values[i]);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return out.done();
}

// The header these types produce, built once from some value of each; undefined when they have none.
function prepareHeader(sig: Signature, types: IDL.Type[]): Uint8Array | undefined {
  if (sig.header === undefined) {
    try {
      const defaults = types.map(anyValue);
      sig.header = headerOf(types, defaults, valuesOf(types, defaults));
    } catch {
      return undefined;
    }
  }
  return sig.header;
}

// The types as the wire describes them, for the library to read what the readers leave; null when they cannot be
// mirrored. Built only when first needed: mirroring a large type costs more than all its messages' values.
function prepareWire(sig: Signature, types: IDL.Type[]): IDL.Type[] | null {
  if (sig.wire === undefined) {
    try {
      sig.wire = types.map(asOnTheWire);
    } catch {
      sig.wire = null;
    }
  }
  return sig.wire;
}

/**
 * Builds the signature's header, wire types, writers and readers now. A query's state changes are discarded, so a
 * cache filled during one is lost: query methods prepare theirs when the canister's code loads (in init and
 * postUpgrade).
 */
export function prepareCandid(types: IDL.Type[]): void {
  const sig = signature(types);
  if (prepareHeader(sig, types) === undefined) return;
  prepareWriters(sig, types);
  prepareReaders(sig, types);
  prepareWire(sig, types);
}

/** The same values as IDL.decode(types, bytes). */
export function decodeCandid(types: IDL.Type[], bytes: Uint8Array): unknown[] {
  const sig = signature(types);
  const header = prepareHeader(sig, types);
  if (header === undefined || !carriesHeader(sig, bytes, header)) return IDL.decode(types, bytes);
  prepareReaders(sig, types);
  const read = readValues(sig, bytes, header.length);
  if (read !== undefined) return read;
  const wire = prepareWire(sig, types);
  if (wire === null) return IDL.decode(types, bytes);
  const pipe = new PipeArrayBuffer(bytes.slice(header.length));
  const values = types.map((type, i) => type.decodeValue(pipe, wire[i]));
  if (pipe.byteLength > 0) throw new Error('decode: Left-over bytes');
  return values;
}

/**
 * The case of `type` (a variant) that a message of that one value takes, read from the byte after the header when
 * the message carries exactly the header `type` produces: a reply read for its Ok or Err alone (peer_call.ts) then
 * costs no walk of its type table. Undefined for any other header, for candid_peek.ts to read it from the table.
 */
export function variantCaseOf(type: IDL.Type, bytes: Uint8Array): string | undefined {
  const variant = type instanceof IDL.RecClass ? type.getType() : type;
  if (!(variant instanceof IDL.VariantClass)) return undefined;
  const sig = signature([type]);
  const header = prepareHeader(sig, [type]);
  if (header === undefined || !carriesHeader(sig, bytes, header)) return undefined;
  const input = new In(bytes, header.length);
  try {
    return variant._fields[input.uleb()]?.[0];
  } catch {
    return undefined;
  }
}

// The values read by candid_reader.ts, or undefined when it leaves the message to the library (malformed values,
// left-over bytes), which then reads or refuses it with its own words.
function readValues(sig: Signature, bytes: Uint8Array, at: number): unknown[] | undefined {
  if (sig.readers === null || sig.readers === undefined) return undefined;
  const input = new In(bytes, at);
  try {
    const values = sig.readers.map((read) => read(input));
    return input.at === bytes.length ? values : undefined;
  } catch {
    return undefined;
  }
}

function carriesHeader(sig: Signature, bytes: Uint8Array, header: Uint8Array): boolean {
  if (bytes.length < header.length) return false;
  sig.headerText ??= latin1(header);
  return latin1(bytes.subarray(0, header.length)) === sig.headerText;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  // apply, not a spread: the engine reads the typed array natively instead of through its iterator.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return text;
}

/** The type as IDL.decode builds it from a table: every constructed type behind a Rec. */
function asOnTheWire(type: IDL.Type): IDL.Type {
  const behindRec = (inner: IDL.ConstructType): IDL.Type => {
    const rec = IDL.Rec();
    rec.fill(inner);
    return rec;
  };
  const fields = (list: [string, IDL.Type][]) => Object.fromEntries(list.map(([name, t]) => [name, asOnTheWire(t)]));
  if (type instanceof IDL.RecClass) return asOnTheWire(type.getType()!);
  if (type instanceof IDL.TupleClass) return behindRec(IDL.Tuple(...componentsOf(type).map(asOnTheWire)));
  if (type instanceof IDL.RecordClass) return behindRec(IDL.Record(fields(type._fields)));
  if (type instanceof IDL.VariantClass) return behindRec(IDL.Variant(fields(type._fields)));
  if (type instanceof IDL.VecClass) return behindRec(IDL.Vec(asOnTheWire(type._type)));
  if (type instanceof IDL.OptClass) return behindRec(IDL.Opt(asOnTheWire(type._type)));
  if (type instanceof IDL.FuncClass || type instanceof IDL.ServiceClass) throw new Error(`candid cache: ${type.name} is not supported`);
  return type;
}

/** Some value of the type, only to have IDL.encode produce the header. */
function anyValue(type: IDL.Type): unknown {
  if (type instanceof IDL.RecClass) return anyValue(type.getType()!);
  if (type instanceof IDL.TupleClass) return componentsOf(type).map(anyValue);
  if (type instanceof IDL.RecordClass) return Object.fromEntries(type._fields.map(([name, t]) => [name, anyValue(t)]));
  if (type instanceof IDL.VariantClass) return { [type._fields[0][0]]: anyValue(type._fields[0][1]) };
  if (type instanceof IDL.VecClass || type instanceof IDL.OptClass) return [];
  if (type instanceof IDL.NatClass || type instanceof IDL.IntClass) return 0n;
  if (type instanceof IDL.FixedNatClass || type instanceof IDL.FixedIntClass) return type._bits > 32 ? 0n : 0;
  if (type instanceof IDL.FloatClass) return 0;
  if (type instanceof IDL.BoolClass) return false;
  if (type instanceof IDL.TextClass) return '';
  if (type instanceof IDL.PrincipalClass) return Principal.anonymous();
  if (type instanceof IDL.NullClass || type instanceof IDL.ReservedClass) return null;
  throw new Error(`candid cache: no value of ${type.name}`);
}
