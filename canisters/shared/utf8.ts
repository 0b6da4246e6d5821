// UTF-8 TextEncoder and TextDecoder for the canisters. Azle installs @sinonjs/text-encoding, a JS polyfill of the
// whole WHATWG Encoding standard that resolves the encoding through its tables on every construction: about
// 200,000 instructions per `new TextEncoder().encode(...)`. @dfinity/candid makes one to hash every field label
// and for every text value, so one reply of a large record spent tens of millions of instructions there.
// installUtf8() replaces both globals with these, which do UTF-8 only, as the standard's TextEncoder always does;
// a TextDecoder for another encoding, or used in streaming mode, is the polyfill's as before. Pure: no 'azle'.

const REPLACEMENT = 0xfffd;

/** UTF-16 code units to UTF-8 bytes; a lone surrogate becomes U+FFFD, as the standard says. */
export function encodeUtf8(input: string): Uint8Array {
  const out = new Uint8Array(input.length * 3);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    let c = input.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < input.length ? input.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = REPLACEMENT;
      }
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[n++] = 0x80 | (c & 0x3f);
  }
  return out.slice(0, n);
}

/**
 * UTF-8 bytes to a string. A malformed sequence throws when `fatal`, else becomes one U+FFFD per maximal invalid
 * subpart (the standard's rule); a leading byte-order mark is dropped unless `ignoreBOM`.
 */
export function decodeUtf8(bytes: Uint8Array, fatal = false, ignoreBOM = false): string {
  // The text so far, and the UTF-16 units decoded since it was last extended.
  let text = '';
  const units: number[] = [];
  let i = !ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const bad = (): void => {
    if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
    units.push(REPLACEMENT);
  };
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      // A run of ASCII becomes text in one step of the engine instead of a unit at a time.
      let end = i + 1;
      while (end < bytes.length && bytes[end] < 0x80) end++;
      text += fromCodes(units.splice(0)) + fromCodes(bytes.subarray(i, end));
      i = end;
      continue;
    }
    // The length of the sequence and the range its second byte must be in (no overlongs, no surrogates, <= U+10FFFF).
    let need: number;
    let [low, high] = [0x80, 0xbf];
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else {
      bad();
      i++;
      continue;
    }
    let code = b & (0x3f >> need);
    let j = 1;
    for (; j <= need; j++) {
      const next = bytes[i + j];
      const [min, max] = j === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < min || next > max) break;
      code = (code << 6) | (next & 0x3f);
    }
    if (j <= need) {
      bad();
      i += j;
      continue;
    }
    i += need + 1;
    if (code < 0x10000) units.push(code);
    else units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
  }
  return text + fromCodes(units);
}

/** The string of these UTF-16 code units, made by the engine in chunks (a call takes a bounded number of arguments). */
function fromCodes(codes: ArrayLike<number> & { slice(start: number, end: number): ArrayLike<number> }): string {
  let text = '';
  for (let k = 0; k < codes.length; k += 4096) text += String.fromCharCode.apply(null, codes.slice(k, k + 4096) as number[]);
  return text;
}

export class Utf8Encoder {
  readonly encoding = 'utf-8';
  encode(input = ''): Uint8Array {
    return encodeUtf8(String(input));
  }
}

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);

type DecoderOptions = { fatal?: boolean; ignoreBOM?: boolean };
type Decoder = { readonly encoding: string; decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string };
type DecoderClass = new (label?: string, options?: DecoderOptions) => Decoder;

function bytesOf(input: ArrayBuffer | ArrayBufferView | undefined): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** A TextDecoder class that decodes UTF-8 itself and hands anything else to `fallback`. */
export function utf8DecoderClass(fallback: DecoderClass): DecoderClass {
  return class Utf8Decoder {
    readonly encoding: string;
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
    private readonly other: Decoder | undefined;
    private streaming: Decoder | undefined;

    constructor(
      private readonly label = 'utf-8',
      private readonly options: DecoderOptions = {},
    ) {
      const utf8 = UTF8_LABELS.has(label.trim().toLowerCase());
      this.other = utf8 ? undefined : new fallback(label, options);
      this.encoding = utf8 ? 'utf-8' : this.other!.encoding;
      this.fatal = options.fatal ?? false;
      this.ignoreBOM = options.ignoreBOM ?? false;
    }

    decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string {
      if (this.other) return this.other.decode(input, options);
      // Streaming keeps state between calls: the polyfill does that, from the first streaming call to the last.
      if (options?.stream || this.streaming) {
        this.streaming ??= new fallback(this.label, this.options);
        const text = this.streaming.decode(input, options);
        if (!options?.stream) this.streaming = undefined;
        return text;
      }
      return decodeUtf8(bytesOf(input), this.fatal, this.ignoreBOM);
    }
  };
}

/** Puts these in place of the globals; a second call changes nothing. */
export function installUtf8(): void {
  const g = globalThis as unknown as { TextEncoder: unknown; TextDecoder: DecoderClass & { utf8?: true } };
  if (g.TextDecoder?.utf8) return;
  const decoder = utf8DecoderClass(g.TextDecoder) as DecoderClass & { utf8?: true };
  decoder.utf8 = true;
  g.TextEncoder = Utf8Encoder;
  g.TextDecoder = decoder;
}
