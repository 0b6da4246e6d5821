// The identity canister's real Wasm with the real ledger on the local network: the claim flow, stake through ICRC-2
// with exact balances, unbonding, slashing, the guards on every privileged method and an upgrade that keeps it all.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Hardware, RegisterRequest } from '../../../canisters/identity/types';
import type { Account } from '../../../canisters/ledger/types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, account, approveArgs, expectConsistent, setupLedger } from '../ledger/fixture';
import { randomUser, rejection } from '../localnet/probe';
import { NO_CHANGES } from '../../../canisters/identity/settings';
import { IDENTITY_WASM, setupIdentity } from './client';

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

// Anonymous ingress never reaches a method: canister_inspect_message refuses it before induction.
const REFUSED_AT_INSPECT = { code: 4, errorCode: 'IC0406' };
const HOUR_MS = 3_600_000;
const HOUR_NS = 3_600_000_000_000n;
const MIN_STAKE = 1_000_000n;
const HARDWARE: Hardware = { gpu_model: ['RTX 4090'], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig 1' };
const PROVIDER: RegisterRequest = { roles: [{ provider: null }], profile: [{ name: 'Acme', region: 'eu-west', contact: 'ops@acme.test' }] };

describe('identity', () => {
  let network: LocalNetwork;
  const [deployer, minter, verification, bridge, treasury] = [randomUser(), randomUser(), randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  /** A ledger with `funded` holding 10 tokens each, and identity pointed at it with the test's peers. */
  async function suite(funded: Principal[] = []) {
    const ledger = await setupLedger(
      network,
      minter,
      funded.map((p): [Account, bigint] => [account(p), 1_000_000_000n]),
    );
    const identity = await setupIdentity(network, deployer, {
      ledger: [ledger.canisterId],
      verification: [verification],
      bridge: [bridge],
      treasury: [account(treasury)],
      min_stake: [MIN_STAKE],
      unbonding_delay_ns: [HOUR_NS],
    });
    return { ledger, identity };
  }

  /** A registered provider with `amount` staked through approve + stake. */
  async function stakedProvider(s: Awaited<ReturnType<typeof suite>>, provider: Principal, amount: bigint) {
    s.identity.actor.setPrincipal(provider);
    ok(await s.identity.actor.register(PROVIDER));
    s.ledger.actor.setPrincipal(provider);
    ok(await s.ledger.actor.icrc2_approve(approveArgs(account(s.identity.canisterId), amount + FEE)));
    return ok(await s.identity.actor.stake(amount));
  }

  it('installs without an argument, with the installer as admin and certifier', async () => {
    const { actor } = await setupIdentity(network, deployer);
    expect(await actor.version()).toBe('identity 0.1.0');
    expect(await actor.settings()).toMatchObject({ admin: deployer, certifiers: [deployer], ledger: [], claim_code_ttl_ns: HOUR_NS });
  });

  it('registers a node, lets a provider claim it once, and refuses an expired code', async () => {
    const { actor } = await setupIdentity(network, deployer);
    const [provider, rival, worker, lateWorker] = [randomUser(), randomUser(), randomUser(), randomUser()];
    for (const p of [provider, rival]) {
      actor.setPrincipal(p);
      ok(await actor.register(PROVIDER));
    }

    actor.setPrincipal(worker);
    const ticket = ok(await actor.register_node(HARDWARE));
    expect(ticket.code).toMatch(/^([0-9a-f]{4}-){7}[0-9a-f]{4}$/);
    actor.setPrincipal(lateWorker);
    const lateTicket = ok(await actor.register_node(HARDWARE));
    expect(lateTicket.code).not.toBe(ticket.code);

    actor.setPrincipal(provider);
    const node = ok(await actor.claim_node(ticket.code));
    expect(node).toMatchObject({ id: worker, status: { claimed: null }, provider: [provider] });
    expect(await actor.claim_node(ticket.code)).toEqual({ Err: { ClaimCodeUsed: null } });
    actor.setPrincipal(rival);
    expect(await actor.claim_node(ticket.code)).toEqual({ Err: { ClaimCodeUsed: null } });
    expect(await actor.get_node(worker)).toEqual([node]);

    await network.advanceTime(HOUR_MS);
    expect(await actor.claim_node(lateTicket.code)).toEqual({ Err: { ClaimCodeExpired: { expired_at: lateTicket.expires_at } } });
    // The identity timer, due by now, prunes the expired registration with its code.
    expect(await actor.get_node(lateWorker)).toEqual([]);

    actor.setPrincipal(rival);
    expect('Err' in (await actor.retire_node(worker))).toBe(true);
    actor.setPrincipal(provider);
    expect(ok(await actor.retire_node(worker)).status).toEqual({ retired: null });
    expect((await actor.nodes_of(provider)).map((n) => n.status)).toEqual([{ retired: null }]);
  });

  it('leaves a registration pending by default, and certifies it at once with auto_certify (admin only)', async () => {
    const { actor } = await setupIdentity(network, deployer);
    expect((await actor.settings()).auto_certify).toBe(false);
    const [early, late] = [randomUser(), randomUser()];
    actor.setPrincipal(early);
    expect(ok(await actor.register(PROVIDER)).certification[0]?.status).toEqual({ pending: null });
    expect(await actor.update_settings({ ...NO_CHANGES, auto_certify: [true] })).toEqual({
      Err: { Unauthorized: 'only the admin may change the settings' },
    });

    actor.setPrincipal(deployer);
    expect(ok(await actor.update_settings({ ...NO_CHANGES, auto_certify: [true] })).auto_certify).toBe(true);
    actor.setPrincipal(late);
    expect(ok(await actor.register(PROVIDER)).certification[0]).toMatchObject({ status: { certified: null }, updated_by: [] });
    expect((await actor.standing(late)).certified).toBe(true);

    // Turned off again, registrations wait for a certifier as before.
    actor.setPrincipal(deployer);
    ok(await actor.update_settings({ ...NO_CHANGES, auto_certify: [false] }));
    const third = randomUser();
    actor.setPrincipal(third);
    expect(ok(await actor.register(PROVIDER)).certification[0]?.status).toEqual({ pending: null });
  });

  it('stakes through approve + transfer_from with exact ledger balances', async () => {
    const provider = randomUser();
    const s = await suite([provider]);
    const stakeAccount = await s.identity.actor.stake_account();
    expect(stakeAccount.owner).toEqual(s.identity.canisterId);

    // Without an allowance the ledger refuses and nothing is bonded.
    s.identity.actor.setPrincipal(provider);
    ok(await s.identity.actor.register(PROVIDER));
    const refused = await s.identity.actor.stake(5_000_000n);
    expect(refused).toEqual({ Err: { LedgerError: expect.stringContaining('InsufficientAllowance') } });
    expect((await s.identity.actor.get_stake(provider)).bonded).toBe(0n);

    const stake = await stakedProvider(s, provider, 5_000_000n);
    expect(stake).toEqual({ bonded: 5_000_000n, unbonding: [], slashed: 0n });
    // One fee for the approval, one for the transfer_from.
    expect(await s.ledger.actor.icrc1_balance_of(account(provider))).toBe(1_000_000_000n - 5_000_000n - 2n * FEE);
    expect(await s.ledger.actor.icrc1_balance_of(stakeAccount)).toBe(5_000_000n);

    const { transactions } = await s.ledger.actor.get_transactions({ start: 0n, length: 100n });
    const pulled = transactions.find((tx) => tx.transfer[0]?.amount === 5_000_000n)!.transfer[0]!;
    expect(new TextDecoder().decode(pulled.memo[0]!)).toBe('identity:stake');
    expect(pulled.created_at_time[0]).toBeGreaterThan(0n);
    await expectConsistent(s.ledger.actor);
  });

  it('locks a provider across the ledger await: of two racing stakes, one is refused as Busy', async () => {
    const provider = randomUser();
    const s = await suite([provider]);
    await stakedProvider(s, provider, 1_000_000n);
    ok(await s.ledger.actor.icrc2_approve(approveArgs(account(s.identity.canisterId), 10_000_000n)));
    const results = await Promise.all([s.identity.actor.stake(2_000_000n), s.identity.actor.stake(3_000_000n)]);
    const busy = results.filter((r) => 'Err' in r);
    expect(busy).toEqual([{ Err: { Busy: null } }]);
    const bonded = (await s.identity.actor.get_stake(provider)).bonded;
    expect(await s.ledger.actor.icrc1_balance_of(await s.identity.actor.stake_account())).toBe(bonded);
    expect([3_000_000n, 4_000_000n]).toContain(bonded);
  });

  it('is matched only when certified with the minimum stake', async () => {
    const provider = randomUser();
    const s = await suite([provider]);
    await stakedProvider(s, provider, MIN_STAKE);
    expect(await s.identity.actor.standing(provider)).toMatchObject({ certified: false, bonded: MIN_STAKE, matchable: false });
    s.identity.actor.setPrincipal(deployer);
    ok(await s.identity.actor.set_certification(provider, { certified: null }, 'hardware checked'));
    expect((await s.identity.actor.standing(provider)).matchable).toBe(true);
    s.identity.actor.setPrincipal(provider);
    ok(await s.identity.actor.unbond(1n));
    expect((await s.identity.actor.standing(provider)).matchable).toBe(false);
  });

  it('unbonds and withdraws only after the delay', async () => {
    const provider = randomUser();
    const s = await suite([provider]);
    const stakeAccount = await s.identity.actor.stake_account();
    await stakedProvider(s, provider, 5_000_000n);
    const before = await s.ledger.actor.icrc1_balance_of(account(provider));

    const unbonding = ok(await s.identity.actor.unbond(2_000_000n));
    expect(unbonding.bonded).toBe(3_000_000n);
    const releaseAt = unbonding.unbonding[0].release_at;
    expect(await s.identity.actor.withdraw()).toEqual({ Err: { NothingToWithdraw: { next_release_at: [releaseAt] } } });
    await network.advanceTime(HOUR_MS / 2);
    expect('Err' in (await s.identity.actor.withdraw())).toBe(true);

    await network.advanceTime(HOUR_MS / 2);
    const withdrawal = ok(await s.identity.actor.withdraw());
    expect(withdrawal).toMatchObject({ amount: 2_000_000n, fee: FEE });
    expect(await s.ledger.actor.icrc1_balance_of(account(provider))).toBe(before + 2_000_000n - FEE);
    expect(await s.ledger.actor.icrc1_balance_of(stakeAccount)).toBe(3_000_000n);
    expect(await s.identity.actor.get_stake(provider)).toEqual({ bonded: 3_000_000n, unbonding: [], slashed: 0n });
    expect(await s.identity.actor.withdraw()).toEqual({ Err: { NothingToWithdraw: { next_release_at: [] } } });
    await expectConsistent(s.ledger.actor);
  });

  it('slashes on the verification canister’s word only, into the treasury, with the reason', async () => {
    const provider = randomUser();
    const s = await suite([provider]);
    const stakeAccount = await s.identity.actor.stake_account();
    await stakedProvider(s, provider, 5_000_000n);

    for (const caller of [deployer, bridge, provider, randomUser()]) {
      s.identity.actor.setPrincipal(caller);
      expect(await s.identity.actor.slash(provider, 1_000_000n, 'lied')).toEqual({
        Err: { Unauthorized: 'only the verification canister may slash' },
      });
    }
    s.identity.actor.setPrincipal(Principal.anonymous());
    expect(await rejection(s.identity.actor.slash(provider, 1_000_000n, 'lied'))).toMatchObject(REFUSED_AT_INSPECT);
    expect((await s.identity.actor.get_stake(provider)).bonded).toBe(5_000_000n);

    s.identity.actor.setPrincipal(verification);
    const record = ok(await s.identity.actor.slash(provider, 1_000_000n, 'wrong tokens on job 3'));
    expect(record).toMatchObject({
      provider,
      requested: 1_000_000n,
      amount: 1_000_000n,
      reason: 'wrong tokens on job 3',
      by: verification,
    });
    expect(await s.ledger.actor.icrc1_balance_of(account(treasury))).toBe(1_000_000n - FEE);
    expect(await s.ledger.actor.icrc1_balance_of(stakeAccount)).toBe(4_000_000n);
    expect(await s.identity.actor.get_stake(provider)).toEqual({ bonded: 4_000_000n, unbonding: [], slashed: 1_000_000n });
    expect(await s.identity.actor.slashes_of(provider)).toEqual([record]);

    // Never more than the stake.
    const rest = ok(await s.identity.actor.slash(provider, 100_000_000n, 'second offence'));
    expect(rest.amount).toBe(4_000_000n);
    expect(await s.ledger.actor.icrc1_balance_of(stakeAccount)).toBe(0n);
    expect(await s.ledger.actor.icrc1_balance_of(account(treasury))).toBe(5_000_000n - 2n * FEE);
    await expectConsistent(s.ledger.actor);
  });

  it('pays two equal slashes in one round as two transfers, neither taken by the ledger for a duplicate of the other', async () => {
    const [first, second] = [randomUser(), randomUser()];
    const s = await suite([first, second]);
    const stakeAccount = await s.identity.actor.stake_account();
    await stakedProvider(s, first, 5_000_000n);
    await stakedProvider(s, second, 5_000_000n);
    const treasuryBefore = await s.ledger.actor.icrc1_balance_of(account(treasury));

    s.identity.actor.setPrincipal(verification);
    const records = await Promise.all([first, second].map((p) => s.identity.actor.slash(p, 1_000_000n, 'wrong tokens')));
    const [a, b] = records.map(ok);
    expect(a.block).not.toBe(b.block);
    expect(await s.ledger.actor.icrc1_balance_of(account(treasury))).toBe(treasuryBefore + 2n * (1_000_000n - FEE));
    expect(await s.ledger.actor.icrc1_balance_of(stakeAccount)).toBe(8_000_000n);
    await expectConsistent(s.ledger.actor);
  });

  it('refuses every privileged method to other callers and to the anonymous principal', async () => {
    const s = await suite();
    const provider = randomUser();
    s.identity.actor.setPrincipal(provider);
    ok(await s.identity.actor.register(PROVIDER));
    const stranger = randomUser();
    const privileged = {
      update_settings: () => s.identity.actor.update_settings({ ...NO_CHANGES, min_stake: [0n] }),
      set_certification: () => s.identity.actor.set_certification(provider, { certified: null }, 'self'),
      slash: () => s.identity.actor.slash(provider, 1n, 'x'),
      update_reputation: () => s.identity.actor.update_reputation(provider, 100, 'x'),
    };
    for (const [name, invoke] of Object.entries(privileged)) {
      s.identity.actor.setPrincipal(stranger);
      const result = (await invoke()) as { Err?: object };
      expect(result.Err, name).toHaveProperty('Unauthorized');
      s.identity.actor.setPrincipal(Principal.anonymous());
      const refused = await rejection(invoke());
      expect(refused, name).toMatchObject(REFUSED_AT_INSPECT);
    }
    // Nor may the anonymous principal register, claim or stake.
    for (const invoke of [
      () => s.identity.actor.register(PROVIDER),
      () => s.identity.actor.register_node(HARDWARE),
      () => s.identity.actor.claim_node('x'),
      () => s.identity.actor.stake(1n),
    ]) {
      expect(await rejection(invoke())).toMatchObject(REFUSED_AT_INSPECT);
    }
    expect(await s.identity.actor.settings()).toMatchObject({ min_stake: MIN_STAKE });
    expect((await s.identity.actor.get_account(provider))[0]?.certification[0]?.status).toEqual({ pending: null });

    // The named peers do get through.
    s.identity.actor.setPrincipal(bridge);
    expect(ok(await s.identity.actor.update_reputation(provider, -500, 'timed out')).bps).toBe(4_500);
    s.identity.actor.setPrincipal(verification);
    expect(ok(await s.identity.actor.update_reputation(provider, 1_000, 'verified')).bps).toBe(5_500);
  });

  it('keeps every piece of state across an upgrade', async () => {
    const [provider, worker, otherWorker] = [randomUser(), randomUser(), randomUser()];
    const s = await suite([provider]);
    await stakedProvider(s, provider, 3_000_000n);
    const actor = s.identity.actor;
    ok(await actor.unbond(1_000_000n));
    actor.setPrincipal(worker);
    const ticket = ok(await actor.register_node(HARDWARE));
    actor.setPrincipal(otherWorker);
    const pendingTicket = ok(await actor.register_node(HARDWARE));
    actor.setPrincipal(provider);
    ok(await actor.claim_node(ticket.code));
    actor.setPrincipal(deployer);
    ok(await actor.set_certification(provider, { certified: null }, 'ok'));
    actor.setPrincipal(verification);
    ok(await actor.slash(provider, 500_000n, 'audit failed'));
    ok(await actor.update_reputation(provider, -1_000, 'audit failed'));

    const snapshot = async () => ({
      settings: await actor.settings(),
      account: await actor.get_account(provider),
      nodes: [await actor.get_node(worker), await actor.get_node(otherWorker)],
      stake: await actor.get_stake(provider),
      slashes: await actor.slashes_of(provider),
      reputation: await actor.get_reputation(provider),
      standing: await actor.standing(provider),
    });
    const before = await snapshot();
    await network.upgradeCanister({ canisterId: s.identity.canisterId, wasm: IDENTITY_WASM, sender: deployer });
    expect(await snapshot()).toEqual(before);

    actor.setPrincipal(provider);
    expect(await actor.claim_node(ticket.code)).toEqual({ Err: { ClaimCodeUsed: null } });
    expect(ok(await actor.claim_node(pendingTicket.code)).id).toEqual(otherWorker);
    await network.advanceTime(HOUR_MS);
    expect(ok(await actor.withdraw()).amount).toBe(1_000_000n);
  });
});
