// The one-pass Candid writers and readers behind encodeCandid and decodeCandid: every value they write is byte for
// byte what IDL.encode gives, every value they read is what IDL.decode gives (down to typed arrays and key order),
// and what they leave to the library is encoded, read or refused by it, with its own words.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { decodeCandid, encodeCandid, variantCaseOf } from '../../../canisters/shared/candid_cache';
import { In, readerOf } from '../../../canisters/shared/candid_reader';
import { Out, Unsupported, writerOf } from '../../../canisters/shared/candid_writer';

const List = IDL.Rec();
List.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: List })));
const Shape = IDL.Variant({ circle: IDL.Float64, square: IDL.Record({ side: IDL.Nat32 }), none: IDL.Null, named: IDL.Text });

// Values at the edges of each type, and the alternative JS forms the library accepts (numbers for bigints, arrays
// for blobs).
const CASES: [string, IDL.Type, unknown][] = [
  ['nat8 max', IDL.Nat8, 255],
  ['nat8 as bigint', IDL.Nat8, 7n],
  ['nat16', IDL.Nat16, 65_535],
  ['nat32 max', IDL.Nat32, 4_294_967_295],
  ['nat64 max', IDL.Nat64, 2n ** 64n - 1n],
  ['nat64 as number', IDL.Nat64, 123_456_789],
  ['int8 min', IDL.Int8, -128],
  ['int16 negative', IDL.Int16, -300],
  ['int32 min', IDL.Int32, -2_147_483_648],
  ['int64 min', IDL.Int64, -(2n ** 63n)],
  ['int64 max', IDL.Int64, 2n ** 63n - 1n],
  ['int64 negative number', IDL.Int64, -5],
  ['nat zero', IDL.Nat, 0n],
  ['nat huge', IDL.Nat, 2n ** 200n + 12345n],
  ['nat as number', IDL.Nat, 2 ** 40],
  ['nat above 2^53 as number', IDL.Nat, 2 ** 60],
  ['int negative huge', IDL.Int, -(2n ** 130n) - 7n],
  ['int -64 and 63', IDL.Vec(IDL.Int), [-64n, 63n, -65n, 64n, -1n, 0n]],
  ['float64 specials', IDL.Vec(IDL.Float64), [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-310, Math.PI]],
  ['float32 rounding', IDL.Vec(IDL.Float32), [0.1, -3.4e38, 1e-45, Math.E]],
  ['text with every width', IDL.Text, 'a é € 𝄞 \u0000 lone \ud800 end'],
  ['empty text', IDL.Text, ''],
  ['bool', IDL.Vec(IDL.Bool), [true, false]],
  ['null and reserved', IDL.Tuple(IDL.Null, IDL.Reserved), [null, { anything: 1 }]],
  ['blob from bytes', IDL.Vec(IDL.Nat8), new Uint8Array([0, 1, 255])],
  ['blob from numbers', IDL.Vec(IDL.Nat8), [0, 1, 255]],
  ['empty vec', IDL.Vec(IDL.Nat32), []],
  [
    'principals',
    IDL.Vec(IDL.Principal),
    [Principal.anonymous(), Principal.managementCanister(), Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai')],
  ],
  ['nested opts', IDL.Opt(IDL.Opt(IDL.Nat16)), [[]]],
  ['recursive list', List, [{ head: 1n, tail: [{ head: -2n, tail: [] }] }]],
  ['variants in a vec', IDL.Vec(Shape), [{ circle: 1.5 }, { square: { side: 3 } }, { none: null }, { named: 'x' }]],
  ['record with extra keys', IDL.Record({ a: IDL.Nat8, b: IDL.Text }), { b: 'y', a: 1, ignored: true }],
  ['tuple longer than its type', IDL.Tuple(IDL.Nat8, IDL.Text), [1, 'z', 'extra']],
  [
    'vecs of fixed-width numbers',
    IDL.Tuple(...[IDL.Nat16, IDL.Nat32, IDL.Nat64, IDL.Int8, IDL.Int16, IDL.Int32, IDL.Int64].map(IDL.Vec)),
    [[1, 65_535], [0, 4_294_967_295], [2n ** 64n - 1n], [-128, 127], [-32_768, 5], [-1, 2_147_483_647], [-(2n ** 63n), 9n]],
  ],
];

/** What the reader gives for the values at the end of IDL.encode's bytes (the type's own header precedes them). */
function readBack(type: IDL.Type, value: unknown): unknown {
  const bytes = new Uint8Array(IDL.encode([type], [value]));
  const values = bytesOf(type, value);
  const input = new In(bytes, bytes.length - values.length);
  const read = readerOf(type)(input);
  expect(input.at).toBe(bytes.length);
  return read;
}

const bytesOf = (type: IDL.Type, value: unknown): Uint8Array => {
  const out = new Out();
  writerOf(type)(out, value);
  return out.done();
};

describe('candid writers', () => {
  it.each(CASES)('write %s as IDL.encode does', (_name, type, value) => {
    const expected = new Uint8Array(IDL.encode([type], [value]));
    expect(encodeCandid([type], [value])).toEqual(expected);
    expect(encodeCandid([type], [value])).toEqual(expected);
    // The values are the tail of IDL.encode's bytes: the writer itself, not the library, produced them.
    const values = bytesOf(type, value);
    expect(expected.subarray(expected.length - values.length)).toEqual(values);
  });

  it.each(CASES)('read %s as IDL.decode does', (_name, type, value) => {
    const bytes = new Uint8Array(IDL.encode([type], [value]));
    const [expected] = IDL.decode([type], bytes);
    expect(readBack(type, value)).toStrictEqual(expected);
    expect(decodeCandid([type], bytes)).toStrictEqual([expected]);
    expect(Object.keys(decodeCandid([type], bytes)[0] as object)).toEqual(Object.keys(expected as object));
  });

  it('match IDL.encode and IDL.decode on random records', () => {
    const Row = IDL.Record({
      id: IDL.Nat64,
      who: IDL.Principal,
      tokens: IDL.Vec(IDL.Nat32),
      text: IDL.Opt(IDL.Text),
      score: IDL.Float32,
      delta: IDL.Int32,
      shape: Shape,
      blob: IDL.Vec(IDL.Nat8),
    });
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const int = (n: number) => Math.floor(next() * n);
    for (let i = 0; i < 200; i++) {
      const row = {
        id: BigInt(int(2 ** 31)) * BigInt(int(2 ** 31)),
        who: Principal.fromUint8Array(Uint8Array.from({ length: int(30) }, () => int(256))),
        tokens: Array.from({ length: int(40) }, () => int(2 ** 31)),
        text: next() < 0.5 ? [] : [String.fromCharCode(...Array.from({ length: int(20) }, () => int(0xd7ff)))],
        score: next() * 1000 - 500,
        delta: int(2 ** 31) - 2 ** 30,
        shape: [{ circle: next() }, { square: { side: int(1000) } }, { none: null }, { named: 'n' }][int(4)],
        blob: Uint8Array.from({ length: int(50) }, () => int(256)),
      };
      const bytes = new Uint8Array(IDL.encode([Row], [row]));
      expect(encodeCandid([Row], [row])).toEqual(bytes);
      expect(decodeCandid([Row], bytes)).toStrictEqual(IDL.decode([Row], bytes));
    }
  });

  // Each is refused by IDL.encode; encodeCandid must refuse it the same way, not write something.
  const INVALID: [string, IDL.Type, unknown][] = [
    ['nat8 out of range', IDL.Nat8, 256],
    ['negative nat64', IDL.Nat64, -1n],
    ['int8 below its range', IDL.Int8, -129],
    ['fraction for a nat', IDL.Nat, 1.5],
    ['negative nat', IDL.Nat, -3],
    ['number for text', IDL.Text, 5],
    ['record missing a field', IDL.Record({ a: IDL.Nat8, b: IDL.Text }), { a: 1 }],
    ['variant with two cases', Shape, { circle: 1, none: null }],
    ['variant with no case', Shape, {}],
    ['opt with two values', IDL.Opt(IDL.Nat8), [1, 2]],
    ['string for a principal', IDL.Principal, 'aaaaa-aa'],
    ['text for a bool', IDL.Bool, 'true'],
    ['blob with a byte too large', IDL.Vec(IDL.Nat8), [1, 256]],
  ];

  it.each(INVALID)('refuse %s with the words of IDL.encode', (_name, type, value) => {
    let expected = '';
    try {
      IDL.encode([type], [value]);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).not.toBe('');
    // IDL.encode adds blank lines after the type's own words, which encodeCandid reports as they are.
    expect(() => encodeCandid([type], [value])).toThrow(expected.trim());
    expect(() => bytesOf(type, value)).toThrow(Unsupported);
  });

  it('leave malformed messages to the library, which refuses them', () => {
    const Row = IDL.Record({ on: IDL.Bool, name: IDL.Opt(IDL.Text), shape: Shape });
    const bytes = new Uint8Array(IDL.encode([Row], [{ on: true, name: ['ab'], shape: { none: null } }]));
    expect(decodeCandid([Row], bytes)).toStrictEqual(IDL.decode([Row], bytes));
    const values = bytesOf(Row, { on: true, name: ['ab'], shape: { none: null } });
    const at = bytes.length - values.length; // bool, opt tag, length, 'a', 'b', variant index
    const broken = (offset: number, byte: number) => Uint8Array.from(bytes, (b, i) => (i === at + offset ? byte : b));
    for (const malformed of [
      broken(0, 2), // a bool of 2
      broken(1, 2), // an opt tag of 2
      broken(3, 0xff), // text that is not UTF-8
      broken(5, 9), // a variant index past its cases
      bytes.slice(0, bytes.length - 1), // truncated
      Uint8Array.from([...bytes, 0]), // left-over bytes
    ]) {
      expect(() => IDL.decode([Row], malformed)).toThrow();
      expect(() => decodeCandid([Row], malformed)).toThrow();
      const input = new In(malformed, at);
      let refused = false;
      try {
        readerOf(Row)(input);
        refused = input.at !== malformed.length;
      } catch {
        refused = true;
      }
      expect(refused).toBe(true);
    }
  });

  it('read the case of a variant reply from the byte after its header, and only when the header is the type’s own', () => {
    const Reply = IDL.Variant({ Ok: IDL.Record({ rows: IDL.Vec(IDL.Text) }), Err: IDL.Variant({ NotFound: IDL.Null, Busy: IDL.Text }) });
    const ok = new Uint8Array(IDL.encode([Reply], [{ Ok: { rows: ['a', 'b'] } }]));
    const err = new Uint8Array(IDL.encode([Reply], [{ Err: { Busy: 'later' } }]));
    expect(variantCaseOf(Reply, ok)).toBe('Ok');
    expect(variantCaseOf(Reply, err)).toBe('Err');
    // A sender whose Ok carries one more field: another header, left to the caller's walk of the type table.
    const Newer = IDL.Variant({ Ok: IDL.Record({ rows: IDL.Vec(IDL.Text), more: IDL.Nat }), Err: IDL.Null });
    expect(variantCaseOf(Reply, new Uint8Array(IDL.encode([Newer], [{ Ok: { rows: [], more: 1n } }])))).toBeUndefined();
    expect(variantCaseOf(IDL.Text, new Uint8Array(IDL.encode([IDL.Text], ['Ok'])))).toBeUndefined();
  });

  it('leave types they cannot write (func, service) to the library', () => {
    const Callback = IDL.Func([IDL.Nat], [], ['query']);
    expect(() => writerOf(Callback)).toThrow(Unsupported);
    const value = [Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai'), 'notify'];
    const expected = new Uint8Array(IDL.encode([Callback], [value]));
    expect(encodeCandid([Callback], [value])).toEqual(expected);
    expect(encodeCandid([Callback], [value])).toEqual(expected);
  });
});
