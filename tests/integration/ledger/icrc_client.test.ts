// ICRC conformance through @dfinity/ledger-icrc's client, unchanged, over the HTTP interface with stock
// agents: metadata, balances, transfers, approvals and transfer_from, and errors as the client's classes.
import { AnonymousIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { IcrcLedgerCanister, IcrcMetadataResponseEntries, IcrcTransferError } from '@dfinity/ledger-icrc';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { agentFor, serve, type Served } from '../gateway/fixture.js';
import { account, expectConsistent, FEE, setupLedger, type LedgerService } from './fixture.js';
import type { Actor } from '../../../src/localnet/index.js';

describe('the ledger through @dfinity/ledger-icrc', () => {
  let served: Served;
  let canisterId: Principal;
  let ledger: Actor<LedgerService>;
  const minter = Ed25519KeyIdentity.generate();
  const alice = Ed25519KeyIdentity.generate();
  const bob = Ed25519KeyIdentity.generate();
  const carol = Ed25519KeyIdentity.generate();
  const client = async (identity: Ed25519KeyIdentity | AnonymousIdentity) =>
    IcrcLedgerCanister.create({ agent: await agentFor(served.url, identity), canisterId });
  const owner = (identity: Ed25519KeyIdentity) => ({ owner: identity.getPrincipal(), subaccount: [] as [] });

  beforeAll(async () => {
    served = await serve();
    ({ canisterId, actor: ledger } = await setupLedger(served.network, minter.getPrincipal(), [
      [account(alice.getPrincipal()), 1_000_000n],
    ]));
  });
  afterAll(() => served.close());

  it('reports its metadata, fee, standards and minting account', async () => {
    const icrc = await client(alice);
    const metadata = new Map(await icrc.metadata({ certified: false }));
    expect(metadata.get(IcrcMetadataResponseEntries.NAME)).toEqual({ Text: 'Market Token' });
    expect(metadata.get(IcrcMetadataResponseEntries.SYMBOL)).toEqual({ Text: 'MKT' });
    expect(metadata.get(IcrcMetadataResponseEntries.DECIMALS)).toEqual({ Nat: 8n });
    expect(metadata.get(IcrcMetadataResponseEntries.FEE)).toEqual({ Nat: FEE });
    expect(await icrc.transactionFee({})).toBe(FEE);
    expect((await icrc.icrc1SupportedStandards({})).map((s) => s.name)).toEqual(['ICRC-1', 'ICRC-2']);
    expect(await icrc.getMintingAccount({ certified: false })).toEqual([owner(minter)]);
    expect(await icrc.totalTokensSupply({})).toBe(1_000_000n);
  });

  it('mints, transfers and reads balances', async () => {
    const icrc = await client(alice);
    const minted = await (await client(minter)).transfer({ to: owner(bob), amount: 5_000n });
    expect(await icrc.balance({ owner: bob.getPrincipal() })).toBe(5_000n);
    const sent = await icrc.transfer({ to: owner(carol), amount: 100_000n, memo: new Uint8Array([1, 2, 3]) });
    expect(sent).toBe(minted + 1n);
    expect(await icrc.balance({ owner: alice.getPrincipal(), certified: false })).toBe(1_000_000n - 100_000n - FEE);
    expect(await icrc.balance({ owner: carol.getPrincipal() })).toBe(100_000n);
  });

  it('approves, reads the allowance and lets the spender transfer_from', async () => {
    const aliceIcrc = await client(alice);
    await aliceIcrc.approve({ spender: owner(bob), amount: 50_000n });
    expect(await aliceIcrc.allowance({ account: owner(alice), spender: owner(bob) })).toEqual({ allowance: 50_000n, expires_at: [] });
    const before = await aliceIcrc.balance({ owner: alice.getPrincipal() });
    await (await client(bob)).transferFrom({ from: owner(alice), to: owner(carol), amount: 20_000n });
    expect(await aliceIcrc.balance({ owner: alice.getPrincipal() })).toBe(before - 20_000n - FEE);
    expect(await aliceIcrc.allowance({ account: owner(alice), spender: owner(bob) })).toEqual({
      allowance: 50_000n - 20_000n - FEE,
      expires_at: [],
    });
  });

  it('surfaces the standard errors as IcrcTransferError', async () => {
    const errorOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => {
          expect(error).toBeInstanceOf(IcrcTransferError);
          return (error as IcrcTransferError<unknown>).errorType;
        },
      );
    const carolIcrc = await client(carol);
    const balance = await carolIcrc.balance({ owner: carol.getPrincipal() });
    expect(await errorOf(carolIcrc.transfer({ to: owner(bob), amount: balance }))).toEqual({ InsufficientFunds: { balance } });
    expect(await errorOf(carolIcrc.transfer({ to: owner(bob), amount: 1n, fee: 1n }))).toEqual({ BadFee: { expected_fee: FEE } });
    expect(await errorOf(carolIcrc.transfer({ to: owner(minter), amount: 1n }))).toEqual({ BadBurn: { min_burn_amount: FEE } });
    expect(await errorOf(carolIcrc.approve({ spender: owner(bob), amount: 1n, expected_allowance: 5n }))).toEqual({
      AllowanceChanged: { current_allowance: 0n },
    });
    expect(await errorOf(carolIcrc.approve({ spender: owner(bob), amount: 1n, expires_at: 1n }))).toMatchObject({ Expired: {} });
    expect(await errorOf((await client(bob)).transferFrom({ from: owner(carol), to: owner(bob), amount: 1n }))).toEqual({
      InsufficientAllowance: { allowance: 0n },
    });
    const createdAt = BigInt(Date.now()) * 1_000_000n;
    const index = await carolIcrc.transfer({ to: owner(bob), amount: 1n, created_at_time: createdAt });
    expect(await errorOf(carolIcrc.transfer({ to: owner(bob), amount: 1n, created_at_time: createdAt }))).toEqual({
      Duplicate: { duplicate_of: index },
    });
    expect(await errorOf(carolIcrc.transfer({ to: owner(bob), amount: 1n, memo: new Uint8Array(33) }))).toMatchObject({
      GenericError: { error_code: 3n },
    });
    // The anonymous principal's ingress is refused before induction (canister_inspect_message), not answered.
    await expect((await client(new AnonymousIdentity())).transfer({ to: owner(bob), amount: 1n })).rejects.toThrow(/IC0406/);
  });

  it('keeps the supply equal to the sum of the balances the log accounts for', async () => {
    await expectConsistent(ledger);
  });
});
