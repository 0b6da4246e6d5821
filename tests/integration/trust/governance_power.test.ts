// After bootstrap only governance holds power: the deployer is no longer a certifier, its calls to the setters
// that were out of governance's reach before (the bridge's dispute deposit, analytics' reporters, payment's and the
// marketplace's peers) are refused, and an adopted proposal changes each of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProposalRequest } from '../../../canisters/governance/types';
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
    expect(errName(await e.marketplace.set_peers({ identity: [], payment: [], model_registry: [], bridge: [newBridge] }))).toBe(
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
        action: { set_parameter: { marketplace_peers: { identity: [], payment: [], model_registry: [], bridge: [newBridge] } } },
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
});
