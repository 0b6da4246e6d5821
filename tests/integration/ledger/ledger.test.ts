// The ledger's Wasm on the local network, driven through the in-process actor with a clock the tests
// set: deduplication and its time errors, expiring approvals, the anonymous caller, an install
// without an argument, and an upgrade that keeps balances, allowances and the log.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import type { Actor } from '../../../src/localnet/index.js';
import { randomUser, rejection } from '../localnet/probe.js';
import {
  account,
  approveArgs,
  expectConsistent,
  FEE,
  idlFactory,
  LEDGER_WASM,
  type LedgerService,
  setupLedger,
  transferArgs,
  transferFromArgs,
} from './fixture.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

describe('ledger canister', () => {
  let network: LocalNetwork;
  let canisterId: Principal;
  let ledger: Actor<LedgerService>;
  const minter = randomUser();
  const alice = randomUser();
  const bob = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    ({ canisterId, actor: ledger } = await setupLedger(network, minter, [[account(alice), 1_000_000n]]));
  });
  afterAll(() => network.stop());

  it('starts with the initial balances, logged as mints', async () => {
    expect(await ledger.icrc1_balance_of(account(alice))).toBe(1_000_000n);
    expect(await ledger.icrc1_total_supply()).toBe(1_000_000n);
    expect(await ledger.icrc1_minting_account()).toEqual([account(minter)]);
    expect((await ledger.get_transactions({ start: 0n, length: 10n })).transactions[0]).toMatchObject({ kind: 'mint' });
    // A query has no error variant: a malformed subaccount is rejected, as the reference ledger's decoder does.
    expect((await rejection(ledger.icrc1_balance_of({ owner: alice, subaccount: [new Uint8Array(5)] }))).message).toContain('32 bytes');
  });

  it('deduplicates by created_at_time and memo, and refuses times outside the window', async () => {
    ledger.setPrincipal(alice);
    const now = ns(await network.getTime());
    const args = transferArgs(account(bob), 100n, { created_at_time: [now], memo: [new Uint8Array([7])] });
    const first = await ledger.icrc1_transfer(args);
    expect(first).toHaveProperty('Ok');
    await network.advanceTime(MINUTE_MS);
    expect(await ledger.icrc1_transfer(args)).toEqual({ Err: { Duplicate: { duplicate_of: (first as { Ok: bigint }).Ok } } });
    expect(await ledger.icrc1_transfer({ ...args, memo: [new Uint8Array([8])] })).toHaveProperty('Ok');

    await network.advanceTime(DAY_MS + 2 * MINUTE_MS);
    expect(await ledger.icrc1_transfer(args)).toEqual({ Err: { TooOld: null } });
    const later = ns(await network.getTime());
    expect(await ledger.icrc1_transfer({ ...args, created_at_time: [later + ns(3 * MINUTE_MS)] })).toEqual({
      Err: { CreatedInFuture: { ledger_time: later } },
    });
    expect(await ledger.icrc1_balance_of(account(bob))).toBe(200n);
  });

  it('lets an approval expire', async () => {
    ledger.setPrincipal(alice);
    const expiresAt = ns((await network.getTime()) + MINUTE_MS);
    expect(await ledger.icrc2_approve(approveArgs(account(bob), 500n, { expires_at: [expiresAt] }))).toHaveProperty('Ok');
    expect(await ledger.icrc2_allowance({ account: account(alice), spender: account(bob) })).toEqual({
      allowance: 500n,
      expires_at: [expiresAt],
    });
    await network.advanceTime(MINUTE_MS);
    expect(await ledger.icrc2_allowance({ account: account(alice), spender: account(bob) })).toEqual({ allowance: 0n, expires_at: [] });
    ledger.setPrincipal(bob);
    const transferFrom = transferFromArgs(account(alice), account(bob), 1n);
    expect(await ledger.icrc2_transfer_from(transferFrom)).toEqual({ Err: { InsufficientAllowance: { allowance: 0n } } });
  });

  it('refuses transfers and approvals from the anonymous principal, which may still hold funds', async () => {
    ledger.setPrincipal(alice);
    expect(await ledger.icrc1_transfer(transferArgs(account(Principal.anonymous()), 50n))).toHaveProperty('Ok');
    expect(await ledger.icrc1_balance_of(account(Principal.anonymous()))).toBe(50n);
    ledger.setPrincipal(Principal.anonymous());
    // canister_inspect_message refuses anonymous ingress before induction (CANISTER_REJECT).
    expect(await rejection(ledger.icrc1_transfer(transferArgs(account(alice), 1n)))).toMatchObject({ code: 4, errorCode: 'IC0406' });
    const approve = approveArgs(account(bob), 1n);
    expect(await rejection(ledger.icrc2_approve(approve))).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(await ledger.icrc1_balance_of(account(Principal.anonymous()))).toBe(50n);
  });

  it('keeps balances, allowances, the log and deduplication across an upgrade', async () => {
    ledger.setPrincipal(alice);
    const approve = approveArgs(account(bob), 7_000n);
    expect(await ledger.icrc2_approve(approve)).toHaveProperty('Ok');
    const now = ns(await network.getTime());
    const args = transferArgs(account(bob, new Uint8Array(32).fill(1)), 25n, { created_at_time: [now] });
    const sent = (await ledger.icrc1_transfer(args)) as { Ok: bigint };

    const before = {
      alice: await ledger.icrc1_balance_of(account(alice)),
      bob: await ledger.icrc1_balance_of(account(bob)),
      supply: await ledger.icrc1_total_supply(),
      allowance: await ledger.icrc2_allowance({ account: account(alice), spender: account(bob) }),
      log: await ledger.get_transactions({ start: 0n, length: 100n }),
    };
    await network.upgradeCanister({ canisterId, wasm: LEDGER_WASM });
    expect(await ledger.icrc1_balance_of(account(alice))).toBe(before.alice);
    expect(await ledger.icrc1_balance_of(account(bob))).toBe(before.bob);
    expect(await ledger.icrc1_total_supply()).toBe(before.supply);
    expect(await ledger.icrc2_allowance({ account: account(alice), spender: account(bob) })).toEqual(before.allowance);
    expect(await ledger.get_transactions({ start: 0n, length: 100n })).toEqual(before.log);
    expect(await ledger.icrc1_fee()).toBe(FEE);
    expect(await ledger.icrc1_transfer(args)).toEqual({ Err: { Duplicate: { duplicate_of: sent.Ok } } });
    await expectConsistent(ledger);
  });

  it('installed without an argument, has no minting account and holds nothing', async () => {
    const bare = await network.setupCanister<LedgerService>({ wasm: LEDGER_WASM, idlFactory, arg: new Uint8Array(IDL.encode([], [])) });
    expect(await bare.actor.icrc1_minting_account()).toEqual([]);
    expect(await bare.actor.icrc1_total_supply()).toBe(0n);
    expect(await bare.actor.version()).toBe('ledger 0.1.0');
  });
});
