// The transform and the report read one or two values out of a Candid message without decoding the rest: they must
// read what IDL.decode would, whatever comes before or after, and refuse a message that lacks them.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { keptOf, variantLabelOf } from '../../../canisters/shared/candid_peek';

const Header = IDL.Record({ name: IDL.Text, value: IDL.Text });
const Response = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(Header), body: IDL.Vec(IDL.Nat8) });
const TransformArgs = IDL.Record({ response: Response, context: IDL.Vec(IDL.Nat8) });

const encode = (types: IDL.Type[], values: unknown[]) => new Uint8Array(IDL.encode(types, values));

describe('reading a transform argument', () => {
  it('reads the status and the body past the headers and the context', () => {
    const body = new TextEncoder().encode('{"tokens":[1,2,3],"text":"héllo"}');
    const headers = [
      { name: 'content-type', value: 'application/json' },
      { name: 'x-long', value: 'x'.repeat(5_000) },
    ];
    const message = encode([TransformArgs], [{ response: { status: 200n, headers, body }, context: new Uint8Array([9, 9]) }]);
    const kept = keptOf(message);
    expect(kept.status).toBe(200n);
    expect(Array.from(kept.body)).toEqual(Array.from(body));
  });

  it('reads a status of any size and an empty body', () => {
    const message = encode(
      [TransformArgs],
      [{ response: { status: 2n ** 70n, headers: [], body: new Uint8Array() }, context: new Uint8Array() }],
    );
    expect(keptOf(message)).toEqual({ status: 2n ** 70n, body: new Uint8Array() });
  });

  it('refuses a message without a status and a body, a truncated one, and one that is not Candid', () => {
    const other = encode([IDL.Record({ response: IDL.Record({ code: IDL.Nat }) })], [{ response: { code: 1n } }]);
    expect(() => keptOf(other)).toThrow(/no status or body/);
    const whole = encode(
      [TransformArgs],
      [{ response: { status: 200n, headers: [], body: new Uint8Array(64) }, context: new Uint8Array() }],
    );
    expect(() => keptOf(whole.subarray(0, whole.length - 40))).toThrow(/ends early/);
    expect(() => keptOf(new TextEncoder().encode('{"status":200}'))).toThrow(/not a Candid message/);
  });
});

describe('reading a reply variant case', () => {
  const Reply = IDL.Variant({ Ok: IDL.Record({ id: IDL.Nat64, owner: IDL.Principal }), Err: IDL.Variant({ NotFound: IDL.Text }) });

  it('names the case the reply takes', () => {
    expect(variantLabelOf(encode([Reply], [{ Ok: { id: 7n, owner: Principal.anonymous() } }]), ['Ok', 'Err'])).toBe('Ok');
    expect(variantLabelOf(encode([Reply], [{ Err: { NotFound: 'no job' } }]), ['Ok', 'Err'])).toBe('Err');
  });

  it('gives nothing for a reply that is not a variant', () => {
    expect(variantLabelOf(encode([IDL.Nat], [1n]), ['Ok', 'Err'])).toBeUndefined();
  });
});
