// The comparer behind tests/unit/sdk/interfaces.test.ts: that it reads the candid the build writes, and that each
// kind of drift between a .did and a hand-written idlFactory is reported naming the canister, the method and how.
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { interfaceDrift } from '../../../src/sdk/did/compare';
import { parseService } from '../../../src/sdk/did/parse';

const DID = `service: (opt record {admin:opt principal}) -> {
    get_job: (nat64) -> (variant {Ok:record {id:nat64; state:variant {settled; failed}; input:opt text; price:nat; hash:blob}; Err:variant {NotFound; Unauthorized:text}}) query;
    pairs: () -> (vec record {text; nat32}) query;
    submit: (record {model:nat64; quotes:vec nat}) -> (variant {Ok:nat64; Err:text});
}
`;

const Job = IDL.Record({
  id: IDL.Nat64,
  state: IDL.Variant({ settled: IDL.Null, failed: IDL.Null }),
  input: IDL.Opt(IDL.Text),
  price: IDL.Nat,
  hash: IDL.Vec(IDL.Nat8),
});
const JobErr = IDL.Variant({ NotFound: IDL.Null, Unauthorized: IDL.Text });
const methods = {
  get_job: IDL.Func([IDL.Nat64], [IDL.Variant({ Ok: Job, Err: JobErr })], ['query']),
  pairs: IDL.Func([], [IDL.Vec(IDL.Tuple(IDL.Text, IDL.Nat32))], ['query']),
  submit: IDL.Func([IDL.Record({ model: IDL.Nat64, quotes: IDL.Vec(IDL.Nat) })], [IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })], []),
};
const factory =
  (changed: Record<string, IDL.FuncClass | undefined>): IDL.InterfaceFactory =>
  () =>
    IDL.Service(
      Object.fromEntries(Object.entries({ ...methods, ...changed }).filter(([, f]) => f !== undefined)) as Record<string, IDL.FuncClass>,
    );

describe('interfaceDrift', () => {
  it('finds none where the factory says what the .did says (blob, tuples, null cases, init arguments aside)', () => {
    expect(interfaceDrift('market', DID, factory({}))).toEqual([]);
  });

  it('names a method the SDK lacks and one the .did lacks', () => {
    expect(interfaceDrift('market', DID, factory({ pairs: undefined, extra: IDL.Func([], [], []) }))).toEqual([
      'market.pairs: in the .did, missing from the SDK',
      'market.extra: in the SDK, not in the .did',
    ]);
  });

  it('names a nat of the wrong size deep inside a result, with both types', () => {
    const wrong = IDL.Record({ ...Object.fromEntries(Job._fields), id: IDL.Nat32 });
    expect(
      interfaceDrift('market', DID, factory({ get_job: IDL.Func([IDL.Nat64], [IDL.Variant({ Ok: wrong, Err: JobErr })], ['query']) })),
    ).toEqual(['market.get_job result 0.Ok.id: the .did has nat64, the SDK has nat32']);
  });

  it('names a missing option, a missing variant case and an extra record field', () => {
    const wrong = IDL.Record({
      ...Object.fromEntries(Job._fields),
      input: IDL.Text,
      state: IDL.Variant({ settled: IDL.Null }),
      extra: IDL.Principal,
    });
    expect(
      interfaceDrift('market', DID, factory({ get_job: IDL.Func([IDL.Nat64], [IDL.Variant({ Ok: wrong, Err: JobErr })], ['query']) })),
    ).toEqual([
      'market.get_job result 0.Ok.state: variant field failed (null) is in the .did, not in the SDK',
      'market.get_job result 0.Ok.input: the .did has opt text, the SDK has text',
      'market.get_job result 0.Ok: record field extra (principal) is in the SDK, not in the .did',
    ]);
  });

  it('names a vec element, an argument count and a query that the SDK calls an update', () => {
    const drift = interfaceDrift(
      'market',
      DID,
      factory({
        submit: IDL.Func(
          [IDL.Record({ model: IDL.Nat64, quotes: IDL.Vec(IDL.Int) }), IDL.Bool],
          [IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
          [],
        ),
        pairs: IDL.Func([], [IDL.Vec(IDL.Tuple(IDL.Text, IDL.Nat32))], []),
      }),
    );
    expect(drift).toEqual([
      'market.pairs: the .did marks it query, the SDK update',
      'market.submit: 1 argument(s) in the .did, 2 in the SDK',
    ]);
    expect(
      interfaceDrift(
        'market',
        DID,
        factory({
          submit: IDL.Func(
            [IDL.Record({ model: IDL.Nat64, quotes: IDL.Vec(IDL.Int) })],
            [IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
            [],
          ),
        }),
      ),
    ).toEqual(['market.submit argument 0.quotes > vec: the .did has nat, the SDK has int']);
  });

  it('refuses candid it does not read instead of comparing it wrongly', () => {
    expect(() => parseService('type Job = record {id:nat64}; service: { get: () -> (Job) }')).toThrow();
    expect(() => parseService('service: { get: () -> (Job) query; }')).toThrow(/Job where a type belongs/);
    expect(() => parseService('service: { get: () -> (nat) query; ')).toThrow(/ends early/);
  });
});
