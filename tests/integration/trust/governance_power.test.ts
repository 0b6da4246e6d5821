// After bootstrap only governance holds power: the deployer is no longer a certifier, its calls to the setters
// that were out of governance's reach before (the bridge's dispute deposit, analytics' reporters, payment's and the
// marketplace's peers, whole configurations) are refused, and an adopted proposal changes each of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProposalRequest } from '../../../canisters/governance/types';
import { NO_CHANGES } from '../../../canisters/identity/settings';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { NAMES, STAKE, errName, ok } from '../economy/suite';
import {
  TIMELOCK_MS,
  VOTING_MS,
  deployGoverned,
  elapse,
  lockTokens,
  propose,
  proposal,
  stateOf,
  vote,
  type Governed,
} from '../governance/fixture';
import { randomUser } from '../localnet/probe';

describe('after bootstrap only governance holds power', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const holder = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, [...NAMES, 'bridge', 'verification', 'analytics']);
    // The only voter: tokens locked in governance.
    await lockTokens(e, holder, STAKE);
  });
  afterAll(() => network?.stop());

  it('takes the deployer off the certifiers: its certification is refused', async () => {
    const certifiers = (await e.identity.settings()).certifiers.map((c) => c.toText());
    expect(certifiers).not.toContain(deployer.toText());
    const provider = randomUser();
    e.identity.setPrincipal(provider);
    ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'rig', region: 'eu-west', contact: 'ops@rig.test' }] }));
    e.identity.setPrincipal(deployer);
    expect(errName(await e.identity.set_certification(provider, { certified: null }, 'as before'))).toBe('Unauthorized');
    expect((await e.identity.standing(provider)).certified).toBe(false);
  });

  it('refuses the deployer every setter governance now reaches, and changes each by an adopted proposal', async () => {
    const [newReporter, newBridge] = [randomUser(), randomUser()];
    e.bridge!.setPrincipal(deployer);
    e.analytics!.setPrincipal(deployer);
    e.payment.setPrincipal(deployer);
    e.marketplace.setPrincipal(deployer);
    expect(errName(await e.bridge!.set_dispute_deposit(1n))).toBe('Unauthorized');
    expect(errName(await e.analytics!.set_reporters([newReporter]))).toBe('Unauthorized');
    expect(errName(await e.payment.set_peers({ marketplace: [], bridge: [newBridge] }))).toBe('Unauthorized');
    expect(errName(await e.marketplace.set_peers({ identity: [], payment: [], model_registry: [], bridge: [newBridge], api: [] }))).toBe(
      'Unauthorized',
    );

    const reporters = (await e.analytics!.settings()).reporters;
    const deposit = (await e.bridge!.settings()).dispute_deposit + 1n;
    const requests: ProposalRequest[] = [
      { summary: 'A higher dispute deposit', action: { set_parameter: { dispute_deposit: deposit } } },
      { summary: 'One more reporter', action: { set_parameter: { analytics_reporters: [...reporters, newReporter] } } },
      { summary: 'Payment follows the new bridge', action: { set_parameter: { payment_peers: { marketplace: [], bridge: [newBridge] } } } },
      {
        summary: 'The marketplace follows the new bridge',
        action: { set_parameter: { marketplace_peers: { identity: [], payment: [], model_registry: [], bridge: [newBridge], api: [] } } },
      },
    ];
    const proposer = randomUser();
    const ids: bigint[] = [];
    for (const request of requests) ids.push((await propose(e, proposer, request)).id);
    for (const id of ids) await vote(e, holder, id, true);
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    for (const id of ids) expect([id, stateOf(await proposal(e, id))]).toEqual([id, 'executed']);

    expect((await e.bridge!.settings()).dispute_deposit).toBe(deposit);
    expect((await e.analytics!.settings()).reporters.map((r) => r.toText())).toEqual([...reporters, newReporter].map((r) => r.toText()));
    const payment = await e.payment.get_config();
    expect(payment.bridge[0]?.toText()).toBe(newBridge.toText());
    expect(payment.marketplace[0]?.toText()).toBe(e.ids.marketplace.toText());
    const market = (await e.marketplace.settings()).peers;
    expect(market.bridge[0]?.toText()).toBe(newBridge.toText());
    expect(market.payment[0]?.toText()).toBe(e.ids.payment.toText());
  });

  it("changes every field of identity, marketplace, payment and verification settings by proposal, never identity's admin", async () => {
    // Locking more extends the holder's lock past this vote, so its power counts again.
    await lockTokens(e, holder, STAKE);
    const market = await e.marketplace.get_config();
    const payment = (await e.payment.get_config()).config;
    const verification = (await e.verification!.settings()).config;
    const ttl = (await e.identity.settings()).claim_code_ttl_ns + 1n;
    const requests: ProposalRequest[] = [
      { summary: 'Longer claim codes', action: { set_parameter: { identity_settings: { ...NO_CHANGES, claim_code_ttl_ns: [ttl] } } } },
      { summary: 'Longer jobs', action: { set_parameter: { market_config: { ...market, job_timeout_ns: market.job_timeout_ns + 1n } } } },
      {
        summary: 'A higher minimum escrow',
        action: { set_parameter: { payment_config: { ...payment, min_escrow: payment.min_escrow + 1n } } },
      },
      {
        summary: 'A looser embedding tolerance',
        action: { set_parameter: { verification_config: { ...verification, embedding_tolerance: verification.embedding_tolerance * 2 } } },
      },
    ];
    const proposer = randomUser();
    const ids: bigint[] = [];
    for (const request of requests) ids.push((await propose(e, proposer, request)).id);
    // Handing identity's admin away is not a setting: refused before the deposit is taken.
    e.governance.setPrincipal(proposer);
    const handOver = {
      summary: 'Give identity away',
      action: { set_parameter: { identity_settings: { ...NO_CHANGES, admin: [proposer] } } },
    };
    expect(await e.governance.create_proposal(handOver as ProposalRequest)).toEqual({
      Err: { InvalidInput: 'identity_settings: the admin is not a setting' },
    });
    for (const id of ids) await vote(e, holder, id, true);
    await elapse(e, VOTING_MS);
    await elapse(e, TIMELOCK_MS);
    for (const id of ids) expect([id, stateOf(await proposal(e, id))]).toEqual([id, 'executed']);

    expect((await e.identity.settings()).claim_code_ttl_ns).toBe(ttl);
    expect((await e.identity.settings()).admin.toText()).toBe(e.ids.governance.toText());
    expect((await e.marketplace.get_config()).job_timeout_ns).toBe(market.job_timeout_ns + 1n);
    expect((await e.payment.get_config()).config.min_escrow).toBe(payment.min_escrow + 1n);
    expect((await e.verification!.settings()).config.embedding_tolerance).toBe(verification.embedding_tolerance * 2);
  });
});
