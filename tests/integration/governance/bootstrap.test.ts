// The hand-over: after the deployer's one bootstrap call, governance is the admin and the only controller of every
// canister it administers (and of itself), and every admin method of every canister refuses everybody else, the
// deployer included, as do the management canister's install and settings calls.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NO_CHANGES } from '../../../canisters/identity/settings';
import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import { DEFAULT_CONFIG as VERIFICATION_CONFIG } from '../../../canisters/verification/types';
import type { Actor } from '../../../src/localnet/actor.js';
import { LocalNetwork, Reject } from '../../../src/localnet/index.js';
import { idlFactory as apiIdl, type ApiService } from '../../../src/sdk/api';
import { randomUser } from '../localnet/probe';
import { NAMES, WASM, account, errName } from '../economy/suite';
import { deployGoverned, type Governed } from './fixture';

describe('bootstrap: the deployer hands the suite to governance in one call', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const administered = ['identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'verification', 'analytics', 'api'] as const;
  // The api canister runs jobs paid from any key owner's allowance (the marketplace's run_job_for): whoever
  // controlled it could spend them, so it is handed over with the rest.
  let api: Actor<ApiService>;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, [...NAMES, 'bridge', 'verification', 'analytics', 'api'], async (deployed) => {
      // Before the hand-over the deployer administers: a stranger can neither claim the admin role nor bootstrap.
      deployed.payment.setPrincipal(randomUser());
      expect(errName(await deployed.payment.claim_admin())).toBe('Unauthorized');
      expect((await deployed.payment.get_config()).admin.toText()).toBe(deployer.toText());
      api = network.createActor<ApiService>(apiIdl, deployed.ids.api);
      api.setPrincipal(randomUser());
      expect(errName(await api.claim_admin())).toBe('Unauthorized');
      expect((await api.settings()).admin.toText()).toBe(deployer.toText());
      deployed.governance.setPrincipal(randomUser());
      expect(await deployed.governance.bootstrap()).toEqual({ Err: { Unauthorized: 'only governance’s admin (the deployer) bootstraps' } });
      expect((await deployed.governance.settings()).bootstrapped).toBe(false);
    });
  });
  afterAll(() => network?.stop());

  it('makes governance the admin and the only controller of every canister it administers, and of itself', async () => {
    const governance = e.ids.governance.toText();
    const admins = [
      (await e.identity.settings()).admin,
      (await e.registry.settings()).admin,
      (await e.marketplace.settings()).admin,
      (await e.payment.get_config()).admin,
      (await e.bridge!.settings()).admin,
      (await e.verification!.settings()).admin,
      (await e.analytics!.settings()).admin,
      (await api.settings()).admin,
    ];
    expect(admins.map((a) => a.toText())).toEqual(administered.map(() => governance));
    for (const name of [...administered, 'governance'] as const) {
      expect((await network.getControllers(e.ids[name])).map((c) => c.toText())).toEqual([governance]);
    }
    // The ledger is not governance's: on mainnet it is an outside ICRC ledger.
    expect((await network.getControllers(e.ids.ledger)).map((c) => c.toText())).toEqual([deployer.toText()]);
    const settings = await e.governance.settings();
    expect(settings.bootstrapped).toBe(true);
    expect(settings.admin).toEqual([]);
  });

  it('cannot be called again, by the deployer or anyone', async () => {
    for (const caller of [deployer, randomUser()]) {
      e.governance.setPrincipal(caller);
      expect(errName(await e.governance.bootstrap())).toBe('InvalidState');
    }
  });

  // What every administered canister's admin methods could change.
  const allSettings = async () => ({
    identity: await e.identity.settings(),
    registry: await e.registry.settings(),
    market: await e.marketplace.get_config(),
    payment: await e.payment.get_config(),
    bridge: await e.bridge!.settings(),
    verification: await e.verification!.settings(),
    analytics: await e.analytics!.settings(),
    api: await api.settings(),
  });

  it('refuses every admin method of every canister to everybody but governance, the deployer included', async () => {
    const before = await allSettings();
    for (const caller of [deployer, randomUser()]) {
      const as = <T extends { setPrincipal(p: Principal): void }>(actor: T): T => (actor.setPrincipal(caller), actor);
      const refusals: [string, { Ok: unknown } | { Err: object }][] = [
        ['identity.update_settings', await as(e.identity).update_settings({ ...NO_CHANGES, min_stake: [1n] })],
        ['identity.claim_admin', await as(e.identity).claim_admin()],
        ['model_registry.set_royalty_cap', await as(e.registry).set_royalty_cap(9_000)],
        ['model_registry.claim_admin', await as(e.registry).claim_admin()],
        ['marketplace.set_config', await as(e.marketplace).set_config({ ...DEFAULT_CONFIG, priority_surcharge_bps: 9_000 })],
        [
          'marketplace.set_peers',
          await as(e.marketplace).set_peers({ identity: [caller], payment: [], model_registry: [], bridge: [], api: [] }),
        ],
        [
          'marketplace.set_provider_standing',
          await as(e.marketplace).set_provider_standing(caller, { certified: true, stake: 1n, reputation_bps: 10_000 }),
        ],
        ['marketplace.set_job_intake_paused', await as(e.marketplace).set_job_intake_paused(true)],
        ['marketplace.claim_admin', await as(e.marketplace).claim_admin()],
        ['payment.set_config', await as(e.payment).set_config({ ...before.payment.config, min_escrow: 7n })],
        ['payment.set_peers', await as(e.payment).set_peers({ marketplace: [caller], bridge: [] })],
        ['payment.withdraw_treasury', await as(e.payment).withdraw_treasury(1n, account(caller))],
        ['payment.claim_admin', await as(e.payment).claim_admin()],
        // The admin's stand-in path for settling jobs closed when the bridge was named.
        ['payment.settle', await as(e.payment).settle(0n, [account(caller)], { account: account(caller), royalty_bps: 0 })],
        ['payment.retry_pending', await as(e.payment).retry_pending()],
        ['bridge.set_audit_rate', await as(e.bridge!).set_audit_rate(10_000)],
        ['bridge.set_dispute_deposit', await as(e.bridge!).set_dispute_deposit(1n)],
        ['bridge.claim_admin', await as(e.bridge!).claim_admin()],
        ['verification.set_config', await as(e.verification!).set_config({ ...VERIFICATION_CONFIG, slash_bps: 10_000 })],
        ['verification.claim_admin', await as(e.verification!).claim_admin()],
        ['analytics.set_reporters', await as(e.analytics!).set_reporters([caller])],
        ['analytics.claim_admin', await as(e.analytics!).claim_admin()],
        ['api.claim_admin', await as(api).claim_admin()],
      ];
      for (const [method, result] of refusals) expect([method, errName(result)]).toEqual([method, 'Unauthorized']);

      // Nor can anyone but governance install code on the suite or change its controllers.
      for (const name of [...administered, 'governance'] as const) {
        const id = e.ids[name];
        await expect(network.upgradeCanister({ canisterId: id, wasm: WASM.ledger, sender: caller })).rejects.toBeInstanceOf(Reject);
        await expect(network.updateCanisterSettings(id, [caller], caller)).rejects.toBeInstanceOf(Reject);
      }
    }
    // Nothing changed.
    expect(await allSettings()).toEqual(before);
    expect(await e.marketplace.job_intake_paused()).toBe(false);
  });

  it('refuses anonymous callers', async () => {
    e.governance.setPrincipal(Principal.anonymous());
    await expect(e.governance.bootstrap()).rejects.toBeInstanceOf(Reject);
    e.marketplace.setPrincipal(Principal.anonymous());
    await expect(e.marketplace.set_job_intake_paused(true)).rejects.toBeInstanceOf(Reject);
  });
});
