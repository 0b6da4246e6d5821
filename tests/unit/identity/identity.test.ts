// The identity rules over Map-backed tables: settings, accounts and certification, the claim flow, stake leases,
// slashing and reputation, each with the callers it must refuse.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { checkClaim, formatCode, type StoredNode } from '../../../canisters/identity/claims';
import { Identity } from '../../../canisters/identity/identity';
import { applyUpdate, DEFAULTS, initialSettings } from '../../../canisters/identity/settings';
import type { CertificationStatus } from '../../../canisters/identity/types';
import { HARDWARE, NO_CHANGES, PROVIDER, ok, randomUser, setup } from './fixtures';

const CODE = 'aaaa-bbbb-cccc-dddd-eeee-ffff-0000-1111';
const OTHER_CODE = '1111-2222-3333-4444-5555-6666-7777-8888';

describe('settings', () => {
  it('defaults to the installer as admin and sole certifier, and to the default parameters', () => {
    const installer = randomUser();
    expect(initialSettings(undefined, installer)).toEqual({
      admin: installer,
      certifiers: [installer],
      ledger: [],
      verification: [],
      bridge: [],
      marketplace: [],
      treasury: { owner: installer, subaccount: [] },
      ...DEFAULTS,
    });
    expect(DEFAULTS.claim_code_ttl_ns).toBe(3_600_000_000_000n);
  });

  it('refuses anonymous principals in any role, a bad treasury subaccount and a zero claim code lifetime', () => {
    const base = initialSettings(undefined, randomUser());
    expect(applyUpdate(base, { ...NO_CHANGES, verification: [Principal.anonymous()] })).toBe(
      'verification: the anonymous principal cannot hold a role',
    );
    expect(applyUpdate(base, { ...NO_CHANGES, treasury: [{ owner: randomUser(), subaccount: [new Uint8Array(3)] }] })).toBe(
      'treasury: a subaccount is 32 bytes',
    );
    expect(applyUpdate(base, { ...NO_CHANGES, claim_code_ttl_ns: [0n] })).toMatch(/^claim_code_ttl_ns/);
    expect(() => initialSettings({ ...NO_CHANGES, admin: [Principal.anonymous()] }, randomUser())).toThrow(/identity init: admin/);
  });

  it('lets only the admin change them', () => {
    const { identity, admin } = setup();
    const ledger = randomUser();
    expect(identity.updateSettings(randomUser(), { ...NO_CHANGES, ledger: [ledger] })).toEqual({
      Err: { Unauthorized: 'only the admin may change the settings' },
    });
    expect(ok(identity.updateSettings(admin, { ...NO_CHANGES, ledger: [ledger], min_stake: [5n] }))).toMatchObject({
      ledger: [ledger],
      min_stake: 5n,
    });
  });
});

describe('accounts and certification', () => {
  it('registers roles and a profile; a provider starts pending', () => {
    const { identity } = setup();
    const alice = randomUser();
    const account = ok(identity.register(alice, 9n, PROVIDER));
    expect(account).toMatchObject({ owner: alice, roles: PROVIDER.roles, created_at: 9n });
    expect(account.certification[0]?.status).toEqual({ pending: null });
    const consumer = ok(identity.register(randomUser(), 1n, { roles: [{ consumer: null }, { auditor: null }], profile: [] }));
    expect(consumer.certification).toEqual([]);
  });

  it('refuses a provider without profile, no roles and repeated roles', () => {
    const { identity } = setup();
    expect(identity.register(randomUser(), 0n, { roles: [{ provider: null }], profile: [] })).toEqual({
      Err: { InvalidInput: 'profile: a provider needs a name, region and contact' },
    });
    expect(identity.register(randomUser(), 0n, { roles: [], profile: [] })).toEqual({ Err: { InvalidInput: 'roles: at least one' } });
    expect(identity.register(randomUser(), 0n, { roles: [{ consumer: null }, { consumer: null }], profile: [] })).toEqual({
      Err: { InvalidInput: 'roles: each at most once' },
    });
  });

  it('follows pending → certified ⇄ suspended, set by certifiers only', () => {
    const { identity, admin } = setup();
    const alice = randomUser();
    ok(identity.register(alice, 0n, PROVIDER));
    const to = (status: CertificationStatus, who = admin) => identity.setCertification(who, 5n, alice, status, 'checked');
    expect(to({ certified: null }, randomUser())).toEqual({ Err: { Unauthorized: 'only a certifier may certify providers' } });
    expect(identity.standing(alice).certified).toBe(false);
    expect(ok(to({ certified: null })).certification[0]).toEqual({
      status: { certified: null },
      updated_at: 5n,
      updated_by: [admin],
      reason: 'checked',
    });
    expect(to({ certified: null })).toEqual({ Err: { InvalidTransition: 'certified cannot become certified' } });
    expect(to({ pending: null })).toEqual({ Err: { InvalidTransition: 'certified cannot become pending' } });
    ok(to({ suspended: null }));
    expect(identity.standing(alice).certified).toBe(false);
    ok(to({ certified: null }));
    expect(identity.standing(alice).certified).toBe(true);
    expect(identity.setCertification(admin, 0n, randomUser(), { certified: null }, '')).toEqual({
      Err: { NotFound: 'no provider account' },
    });
  });

  it('keeps certification when a provider re-registers', () => {
    const { identity, admin } = setup();
    const alice = randomUser();
    ok(identity.register(alice, 0n, PROVIDER));
    ok(identity.setCertification(admin, 1n, alice, { certified: null }, 'ok'));
    const again = ok(identity.register(alice, 2n, { ...PROVIDER, roles: [{ provider: null }, { model_creator: null }] }));
    expect(again.certification[0]?.status).toEqual({ certified: null });
    expect(again.created_at).toBe(0n);
  });

  it('certifies a provider as it registers when the admin turned auto_certify on, and never lifts a suspension', () => {
    const { identity, admin } = setup();
    expect(identity.settings().auto_certify).toBe(false);
    const before = randomUser();
    expect(ok(identity.register(before, 1n, PROVIDER)).certification[0]?.status).toEqual({ pending: null });
    expect(identity.updateSettings(randomUser(), { ...NO_CHANGES, auto_certify: [true] })).toEqual({
      Err: { Unauthorized: 'only the admin may change the settings' },
    });
    expect(ok(identity.updateSettings(admin, { ...NO_CHANGES, auto_certify: [true] })).auto_certify).toBe(true);

    const alice = randomUser();
    expect(ok(identity.register(alice, 2n, PROVIDER)).certification[0]).toEqual({
      status: { certified: null },
      updated_at: 2n,
      updated_by: [],
      reason: 'certified on registration (auto_certify)',
    });
    expect(identity.standing(alice).certified).toBe(true);
    // A consumer gets no certification; a provider pending from before is certified when it registers again.
    expect(ok(identity.register(randomUser(), 3n, { roles: [{ consumer: null }], profile: [] })).certification).toEqual([]);
    expect(ok(identity.register(before, 4n, PROVIDER)).certification[0]?.status).toEqual({ certified: null });
    // A suspended provider stays suspended, whatever it registers.
    ok(identity.setCertification(admin, 5n, alice, { suspended: null }, 'cheated'));
    expect(ok(identity.register(alice, 6n, PROVIDER)).certification[0]?.status).toEqual({ suspended: null });
  });

  it('reads settings stored before auto_certify existed as off', () => {
    const { identity: before, tables } = setup();
    const { auto_certify: _, ...old } = before.settings();
    tables.settings.insert('settings', old as never);
    // The upgraded canister starts with an empty heap: settings come from stable memory.
    const identity = new Identity(tables);
    expect(identity.settings().auto_certify).toBe(false);
    expect(identity.register(randomUser(), 0n, PROVIDER)).toMatchObject({ Ok: { certification: [{ status: { pending: null } }] } });
  });

  it('reads settings stored before identity pushed standings as naming no marketplace', () => {
    const { identity, tables } = setup();
    const { marketplace: _, ...old } = identity.settings();
    tables.settings.insert('settings', old as never);
    expect(new Identity(tables).settings().marketplace).toEqual([]);
  });

  it('lets the admin name other certifiers', () => {
    const { identity, admin } = setup();
    const [alice, certifier] = [randomUser(), randomUser()];
    ok(identity.register(alice, 0n, PROVIDER));
    ok(identity.updateSettings(admin, { ...NO_CHANGES, certifiers: [[certifier]] }));
    expect('Err' in identity.setCertification(admin, 0n, alice, { certified: null }, '')).toBe(true);
    ok(identity.setCertification(certifier, 0n, alice, { certified: null }, ''));
  });
});

describe('nodes and claim codes', () => {
  function withProvider() {
    const context = setup({ claim_code_ttl_ns: [1_000n] });
    const provider = randomUser();
    ok(context.identity.register(provider, 0n, PROVIDER));
    return { ...context, provider, worker: randomUser() };
  }

  it('formats 16 random bytes as eight groups of four hex digits', () => {
    expect(formatCode(new Uint8Array(16).map((_, i) => i * 17))).toBe('0011-2233-4455-6677-8899-aabb-ccdd-eeff');
    expect(() => formatCode(new Uint8Array(8))).toThrow();
  });

  it('issues a code that expires, and a provider claims the node with it', () => {
    const { identity, provider, worker } = withProvider();
    expect(ok(identity.registerNode(worker, 100n, HARDWARE, CODE))).toEqual({ code: CODE, expires_at: 1_100n });
    expect(identity.node(worker)).toMatchObject({ status: { unclaimed: null }, provider: [] });
    // The public record never shows the code.
    expect(JSON.stringify(identity.node(worker), (_, v) => (typeof v === 'bigint' ? `${v}` : v))).not.toContain(CODE);

    const node = ok(identity.claimNode(provider, 1_099n, CODE));
    expect(node).toMatchObject({ id: worker, status: { claimed: null }, provider: [provider], claimed_at: [1_099n], hardware: HARDWARE });
    expect(identity.nodesOf(provider)).toEqual([node]);
  });

  it('refuses a code used twice, an expired code, an unknown code and a caller that is not a provider', () => {
    const { identity, provider, worker } = withProvider();
    ok(identity.registerNode(worker, 0n, HARDWARE, CODE));
    expect(identity.claimNode(randomUser(), 1n, CODE)).toEqual({ Err: { Unauthorized: 'only a provider account may claim nodes' } });
    expect(identity.claimNode(provider, 1_000n, CODE)).toEqual({ Err: { ClaimCodeExpired: { expired_at: 1_000n } } });
    expect(identity.claimNode(provider, 1n, OTHER_CODE)).toEqual({ Err: { ClaimCodeUnknown: null } });
    ok(identity.claimNode(provider, 1n, CODE));

    const rival = randomUser();
    ok(identity.register(rival, 0n, PROVIDER));
    expect(identity.claimNode(rival, 2n, CODE)).toEqual({ Err: { ClaimCodeUsed: null } });
    expect(identity.claimNode(provider, 2n, CODE)).toEqual({ Err: { ClaimCodeUsed: null } });
    expect(identity.node(worker)?.provider).toEqual([provider]);
  });

  it('replaces the code when an unclaimed worker registers again, and refuses a claimed one', () => {
    const { identity, provider, worker } = withProvider();
    ok(identity.registerNode(worker, 0n, HARDWARE, CODE));
    ok(identity.registerNode(worker, 10n, { ...HARDWARE, cpu_cores: 8 }, OTHER_CODE));
    expect(identity.claimNode(provider, 11n, CODE)).toEqual({ Err: { ClaimCodeUnknown: null } });
    expect(ok(identity.claimNode(provider, 11n, OTHER_CODE)).hardware.cpu_cores).toBe(8);
    expect(identity.registerNode(worker, 12n, HARDWARE, CODE)).toEqual({ Err: { AlreadyClaimed: { provider } } });
  });

  it('lets only the owning provider retire a node, once', () => {
    const { identity, provider, worker } = withProvider();
    ok(identity.registerNode(worker, 0n, HARDWARE, CODE));
    expect(identity.retireNode(provider, worker)).toEqual({
      Err: { Unauthorized: 'only the provider that claimed the node may retire it' },
    });
    ok(identity.claimNode(provider, 1n, CODE));
    expect(identity.retireNode(randomUser(), worker)).toEqual({
      Err: { Unauthorized: 'only the provider that claimed the node may retire it' },
    });
    expect(ok(identity.retireNode(provider, worker)).status).toEqual({ retired: null });
    expect(identity.retireNode(provider, worker)).toEqual({ Err: { InvalidTransition: 'the node is already retired' } });
    expect(identity.registerNode(worker, 2n, HARDWARE, OTHER_CODE)).toEqual({ Err: { InvalidTransition: 'the node is retired' } });
    expect(identity.retireNode(provider, randomUser())).toEqual({ Err: { NotFound: 'no such node' } });
  });

  it('checks a code against its node: used before expired, a retired node refused', () => {
    const node: StoredNode = {
      id: randomUser(),
      hardware: HARDWARE,
      status: { retired: null },
      provider: [],
      registered_at: 0n,
      claimed_at: [],
      code: CODE,
    };
    expect(checkClaim({ node: node.id, expires_at: 5n, used: true }, node, 10n)).toEqual({ ClaimCodeUsed: null });
    expect(checkClaim({ node: node.id, expires_at: 5n, used: false }, node, 1n)).toEqual({
      InvalidTransition: 'the node is retired',
    });
  });
});

describe('stake leases', () => {
  function withProvider() {
    const context = setup();
    const provider = randomUser();
    ok(context.identity.register(provider, 0n, PROVIDER));
    return { ...context, provider };
  }

  it('bonds only after the ledger call commits, and locks the provider meanwhile', () => {
    const { identity, provider, ledger } = withProvider();
    const lease = ok(identity.beginStake(provider, 1_500n));
    expect(lease).toMatchObject({ provider, ledger, amount: 1_500n });
    expect(identity.stakeOf(provider).bonded).toBe(0n);
    expect(identity.beginStake(provider, 1n)).toEqual({ Err: { Busy: null } });
    expect(identity.unbond(provider, 0n, 1n)).toEqual({ Err: { Busy: null } });
    expect(identity.commitStake(lease).bonded).toBe(1_500n);
    ok(identity.beginStake(provider, 1n));
  });

  it('restores the stake and unlocks on abort', () => {
    const { identity, provider } = withProvider();
    identity.abort(ok(identity.beginStake(provider, 1_500n)));
    expect(identity.stakeOf(provider).bonded).toBe(0n);
    ok(identity.beginStake(provider, 1n));
  });

  it('refuses a non-provider, a zero amount and a canister without ledger', () => {
    const { identity, provider } = withProvider();
    expect(identity.beginStake(randomUser(), 1n)).toEqual({ Err: { Unauthorized: 'only a provider account may stake' } });
    expect(identity.beginStake(provider, 0n)).toEqual({ Err: { InvalidInput: 'amount: must be positive' } });
    const bare = setup({ ledger: [] });
    ok(bare.identity.register(provider, 0n, PROVIDER));
    // The fixture always names a ledger; rebuild settings without one.
    bare.identity.saveSettings({ ...bare.identity.settings(), ledger: [] });
    expect(bare.identity.beginStake(provider, 1n)).toEqual({ Err: { LedgerNotSet: null } });
  });

  it('withdraws only released stake, after the unbonding delay', () => {
    const { identity, provider } = withProvider();
    identity.commitStake(ok(identity.beginStake(provider, 1_000n)));
    expect(identity.unbond(provider, 10n, 1_001n)).toEqual({ Err: { InsufficientStake: { available: 1_000n } } });
    ok(identity.unbond(provider, 10n, 600n));
    expect(identity.beginWithdraw(provider, 109n)).toEqual({ Err: { NothingToWithdraw: { next_release_at: [110n] } } });
    const lease = ok(identity.beginWithdraw(provider, 110n));
    expect(lease.amount).toBe(600n);
    expect(identity.stakeOf(provider)).toEqual({ bonded: 400n, unbonding: [], slashed: 0n });
    identity.abort(lease);
    expect(identity.stakeOf(provider).unbonding).toEqual([{ amount: 600n, release_at: 110n }]);
    identity.commitWithdraw(ok(identity.beginWithdraw(provider, 110n)));
    expect(identity.stakeOf(provider)).toEqual({ bonded: 400n, unbonding: [], slashed: 0n });
    expect(identity.beginWithdraw(provider, 500n)).toEqual({ Err: { NothingToWithdraw: { next_release_at: [] } } });
  });

  it('counts a certified provider with the minimum stake as matchable', () => {
    const { identity, provider, admin } = withProvider();
    ok(identity.setCertification(admin, 0n, provider, { certified: null }, ''));
    identity.commitStake(ok(identity.beginStake(provider, 999n)));
    expect(identity.standing(provider)).toEqual({
      certified: true,
      bonded: 999n,
      min_stake: 1_000n,
      reputation_bps: 5_000,
      matchable: false,
    });
    identity.commitStake(ok(identity.beginStake(provider, 1n)));
    expect(identity.standing(provider).matchable).toBe(true);
    ok(identity.setCertification(admin, 0n, provider, { suspended: null }, 'bad results'));
    expect(identity.standing(provider).matchable).toBe(false);
  });
});

describe('slashing', () => {
  function staked(amount: bigint) {
    const context = setup();
    const provider = randomUser();
    ok(context.identity.register(provider, 0n, PROVIDER));
    context.identity.commitStake(ok(context.identity.beginStake(provider, amount)));
    return { ...context, provider };
  }

  it('is open to the verification canister only', () => {
    const { identity, provider, admin, bridge } = staked(1_000n);
    for (const caller of [admin, bridge, provider, randomUser()]) {
      expect(identity.beginSlash(caller, 0n, provider, 10n, 'lied')).toEqual({
        Err: { Unauthorized: 'only the verification canister may slash' },
      });
    }
    expect(identity.stakeOf(provider).bonded).toBe(1_000n);
  });

  it('takes at most the stake, records why and sends it to the treasury', () => {
    const { identity, provider, verification, admin } = staked(1_000n);
    const lease = ok(identity.beginSlash(verification, 0n, provider, 5_000n, 'wrong tokens on job 7'));
    expect(lease).toMatchObject({ amount: 1_000n, requested: 5_000n, treasury: { owner: admin, subaccount: [] } });
    expect(identity.stakeOf(provider)).toEqual({ bonded: 0n, unbonding: [], slashed: 1_000n });
    const record = identity.commitSlash(lease, 77n, 12n);
    expect(record).toEqual({
      id: 0n,
      provider,
      requested: 5_000n,
      amount: 1_000n,
      reason: 'wrong tokens on job 7',
      by: verification,
      at: 77n,
      block: 12n,
    });
    expect(identity.slashes(provider)).toEqual([record]);
    expect(identity.beginSlash(verification, 0n, provider, 1n, 'again')).toEqual({ Err: { InsufficientStake: { available: 0n } } });
  });

  it('restores the stake when the transfer fails, and refuses empty reasons', () => {
    const { identity, provider, verification } = staked(1_000n);
    expect(identity.beginSlash(verification, 0n, provider, 10n, '')).toEqual({ Err: { InvalidInput: 'reason: 1 to 256 characters' } });
    identity.abort(ok(identity.beginSlash(verification, 0n, provider, 10n, 'late')));
    expect(identity.stakeOf(provider)).toEqual({ bonded: 1_000n, unbonding: [], slashed: 0n });
  });
});

describe('reputation updates', () => {
  it('come from the verification and bridge canisters only, for known accounts', () => {
    const { identity, verification, bridge, admin } = setup();
    const provider = randomUser();
    ok(identity.register(provider, 0n, PROVIDER));
    expect(identity.updateReputation(admin, 0n, provider, 10, 'x')).toEqual({
      Err: { Unauthorized: 'only the verification, bridge and marketplace canisters may change reputation' },
    });
    ok(identity.updateReputation(verification, 1n, provider, 300, 'verified'));
    const after = ok(identity.updateReputation(bridge, 2n, provider, -100, 'timeout'));
    expect(after.bps).toBe(5_200);
    expect(after.history.map((h) => [h.by, h.delta_bps, h.bps])).toEqual([
      [verification, 300, 5_300],
      [bridge, -100, 5_200],
    ]);
    expect(identity.reputation(provider)).toEqual(after);
    expect(identity.updateReputation(bridge, 2n, randomUser(), 1, '')).toEqual({ Err: { NotFound: 'no such account' } });
    expect(identity.updateReputation(bridge, 2n, provider, 10_001, '')).toEqual({
      Err: { InvalidInput: 'delta_bps: between -10000 and 10000' },
    });
  });
});
