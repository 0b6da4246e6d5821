import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, MarketConfig } from '../../../canisters/marketplace/config';
import { Job, JobRequest, JobResult } from '../../../canisters/marketplace/job_types';
import { Offer, OfferResult } from '../../../canisters/marketplace/offer_types';
import { TransferArgs, TransferResult } from '../../../canisters/ledger/types';
import { Escrow, Result as PaymentResult } from '../../../canisters/payment/types';
import { decodeCandid, encodeCandid } from '../../../canisters/shared/candid_cache';
import { job as jobRequest, terms, user } from '../marketplace/fixtures';

const request = jobRequest({ region: ['eu-west'], reservation: [7n], max_price: 123_456_789_012_345_678_901n });
const job: Job = {
  id: 3n,
  consumer: user(1),
  request,
  state: { failed: null },
  offers: [1n, 2n],
  quotes: [10n, 20n],
  price: 10n,
  creator: user(2),
  royalty_bps: 250,
  result_hash: [new Uint8Array(32).fill(5)],
  paid_nodes: [user(5)],
  late_refund_bps: 2_500,
  failure: ['the worker crashed — “quotes” and ünïcode'],
  created_at: 1n,
  updated_at: 2n,
};
const offer: Offer = { id: 4n, provider: user(3), terms: terms(), load: 1, status: { paused: null }, created_at: 5n, updated_at: 6n };
const escrow: Escrow = {
  job_id: 9n,
  consumer: { owner: Principal.anonymous(), subaccount: [new Uint8Array(32).fill(1)] },
  amount: 1n,
  state: { held: null },
  created_at: 0n,
  updated_at: 0n,
};

// [types, values] pairs covering records, variants (Ok and Err of big results), opts, vecs, blobs, tuples,
// principals, nat, int, fixed-width numbers and text.
const CASES: [string, IDL.Type[], unknown[]][] = [
  ['job request', [JobRequest], [request]],
  ['job result Ok', [JobResult(Job)], [{ Ok: job }]],
  [
    'job result Err',
    [JobResult(Job)],
    [
      {
        Err: {
          NoMatch: {
            needed: 2,
            eligible: 1,
            offers: [{ offer: 1n, reasons: [{ Paused: null }] }],
            more_offers: 0n,
            other_model_offers: 3n,
          },
        },
      },
    ],
  ],
  ['offer result Err', [OfferResult(Offer)], [{ Err: { NotFound: null } }]],
  ['offer', [Offer], [offer]],
  ['market config', [MarketConfig], [DEFAULT_CONFIG]],
  [
    'transfer args',
    [TransferArgs],
    [{ from_subaccount: [], to: escrow.consumer, amount: 5n, fee: [10n], memo: [new Uint8Array([1, 2])], created_at_time: [] }],
  ],
  ['transfer result', [TransferResult], [{ Err: { BadFee: { expected_fee: 10_000n } } }]],
  ['payment result', [PaymentResult(Escrow)], [{ Ok: escrow }]],
  [
    'several arguments',
    [IDL.Nat64, IDL.Text, IDL.Tuple(IDL.Int, IDL.Principal), IDL.Vec(IDL.Nat8)],
    [1n, 'x', [-5n, user(4)], new Uint8Array([9])],
  ],
  ['no arguments', [], []],
];

describe('candid with cached type tables', () => {
  it.each(CASES)('encodes %s to exactly the bytes IDL.encode gives, first time and cached', (_name, types, values) => {
    const expected = new Uint8Array(IDL.encode(types, values));
    expect(encodeCandid(types, values)).toEqual(expected);
    expect(encodeCandid(types, values)).toEqual(expected);
  });

  it.each(CASES)('decodes %s to exactly what IDL.decode gives', (_name, types, values) => {
    const bytes = new Uint8Array(IDL.encode(types, values));
    const expected = IDL.decode(types, bytes);
    expect(decodeCandid(types, bytes)).toEqual(expected);
    expect(decodeCandid(types, bytes)).toEqual(expected);
  });

  it('decodes a message whose table differs (another encoder, a newer sender) through IDL.decode', () => {
    const Old = IDL.Record({ a: IDL.Nat, b: IDL.Opt(IDL.Text) });
    const Newer = IDL.Record({ a: IDL.Nat, b: IDL.Opt(IDL.Text), c: IDL.Vec(IDL.Nat8) });
    const bytes = new Uint8Array(IDL.encode([Newer], [{ a: 1n, b: ['x'], c: new Uint8Array([1]) }]));
    expect(decodeCandid([Old], bytes)).toEqual([{ a: 1n, b: ['x'] }]);
    const fewer = new Uint8Array(IDL.encode([IDL.Record({ a: IDL.Nat })], [{ a: 2n }]));
    expect(decodeCandid([Old], fewer)).toEqual([{ a: 2n, b: [] }]);
  });

  it('refuses left-over bytes, truncated values and values of the wrong type', () => {
    const types = [JobRequest];
    const bytes = new Uint8Array(IDL.encode(types, [request]));
    expect(() => decodeCandid(types, new Uint8Array([...bytes, 0]))).toThrow(/Left-over bytes/);
    expect(() => IDL.decode(types, bytes.slice(0, bytes.length - 40))).toThrow();
    expect(() => decodeCandid(types, bytes.slice(0, bytes.length - 40))).toThrow();
    expect(() => decodeCandid([IDL.Nat], new Uint8Array(IDL.encode([IDL.Text], ['x'])))).toThrow();
    expect(() => encodeCandid([IDL.Nat8], [300])).toThrow();
  });
});
