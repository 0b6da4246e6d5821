// An upgrade from the stable layout before the marketplace kept its indexes in stable memory (layout 1, the Wasm of
// PREVIOUS checked in as a fixture, see previous_wasm.ts): offers, standings and jobs made by that version survive,
// the indexes are built once on the upgrade, and everything a user sees reads the same after it and after a second
// upgrade (layout 2 to 2, which must not add to the indexes again): job pages newest first, offers by provider and
// by model, the no-match explanation with a stranger's offer, quotes, and the sweep of a job left running.
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../canisters/marketplace/config';
import type { Job, JobRequest } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import {
  FEE,
  WASM,
  approve,
  deployEconomy,
  jobRequest,
  mint,
  ok,
  onboardProvider,
  publishModel,
  type Economy,
} from '../economy/suite';
import { randomUser } from '../localnet/probe';
import { previousWasm } from './previous_wasm';

/** The last commit with the marketplace's layout 1 (no indexes in stable memory): its Wasm is the fixture. */
const PREVIOUS = '1d16c4ded0ea78199cfaeb331e16e16cac710292';

describe('an upgrade from the marketplace’s previous stable layout', () => {
  let network: LocalNetwork;
  let e: Economy;
  const deployer = randomUser();
  let model: bigint;

  beforeAll(async () => {
    const previous = previousWasm(PREVIOUS);
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    // The previous version installed afresh, wired by its admin as npm start wires it.
    await network.reinstallCode({ canisterId: e.ids.marketplace, wasm: previous, sender: deployer });
    e.marketplace.setPrincipal(deployer);
    const [identity, payment, registry] = [e.ids.identity, e.ids.payment, e.ids.model_registry];
    ok(await e.marketplace.set_peers({ identity: [identity], payment: [payment], model_registry: [registry], bridge: [], api: [] }));
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500)).id;
  });
  afterAll(() => network?.stop());

  async function submitPaid(consumer: Principal, request: JobRequest): Promise<Job> {
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(request));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    return ok(await e.marketplace.submit_job(request));
  }

  it('keeps every job, offer and standing, and the indexes over them, as the previous version left them', { timeout: 300_000 }, async () => {
    const honest = await onboardProvider(e, [model], { capacity: 4 });
    const second = await onboardProvider(e, [model], { capacity: 4, price: { unit: { per_request: null }, amount: 2_000_000n } });
    // A stranger's offer on a node of its own: registered, uncertified and unstaked, live but never matched.
    const [stranger, strangerNode] = [randomUser(), randomUser()];
    e.identity.setPrincipal(stranger);
    ok(await e.identity.register({ roles: [{ provider: null }], profile: [{ name: 'junk', region: 'eu-west', contact: 'j@x.test' }] }));
    e.identity.setPrincipal(strangerNode);
    const hardware = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'junk' };
    const code = ok(await e.identity.register_node(hardware)).code;
    e.identity.setPrincipal(stranger);
    ok(await e.identity.claim_node(code));
    e.marketplace.setPrincipal(stranger);
    const strange = ok(await e.marketplace.create_offer({ ...honest.offer.terms, nodes: [strangerNode] }));
    const consumer = randomUser();
    await mint(e, consumer, 100_000_000n);
    // Settled, left running (matched), and rejected at the escrow (no allowance for it).
    const done = await submitPaid(consumer, jobRequest(model));
    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(done.id, new Uint8Array(32).fill(7), []));
    const running = await submitPaid(consumer, jobRequest(model));
    e.marketplace.setPrincipal(consumer);
    expect(await e.marketplace.submit_job(jobRequest(model))).toHaveProperty('Err.PaymentFailed');

    const request = jobRequest(model, { redundancy: 3 });
    const seen = async () => {
      e.marketplace.setPrincipal(consumer);
      return {
        page: ok(await e.marketplace.list_jobs({ offset: 0n, limit: 10 })),
        second: ok(await e.marketplace.list_jobs({ offset: 1n, limit: 1 })),
        running: ok(await e.marketplace.get_job(running.id)),
        all: ok(await e.marketplace.list_offers({ provider: [], model: [] }, { offset: 0n, limit: 10 })),
        ofModel: ok(await e.marketplace.list_offers({ provider: [], model: [model] }, { offset: 1n, limit: 10 })),
        ofStranger: ok(await e.marketplace.list_offers({ provider: [stranger], model: [] }, { offset: 0n, limit: 10 })),
        noMatch: await e.marketplace.explain_match(request),
        quote: ok(await e.marketplace.quote(jobRequest(model))),
        standing: await e.marketplace.provider_standing(second.provider),
        strangerStanding: await e.marketplace.provider_standing(stranger),
      };
    };
    const before = await seen();
    expect(before.page.jobs.map((j) => j.id)).toEqual([running.id + 1n, running.id, done.id]);
    expect(before.page.jobs.map((j) => Object.keys(j.state)[0])).toEqual(['rejected', 'matched', 'settled']);
    expect(before.all.offers.map((o) => o.id)).toEqual([honest.offer.id, second.offer.id, strange.id]);
    expect(before.noMatch).toMatchObject({ NoMatch: { eligible: 2, offers: [{}, {}, { offer: strange.id }] } });

    await network.upgradeCanister({ canisterId: e.ids.marketplace, wasm: WASM.marketplace, sender: deployer });
    await network.tick();
    const upgraded = await seen();
    // Jobs stored before requests had `generation` read it as none: Candid decodes a missing opt field as null.
    expect(upgraded.running.request.generation).toEqual([]);
    expect(upgraded.page.jobs.map((j) => j.request.generation)).toEqual([[], [], []]);
    expect(upgraded).toEqual(before);
    // Upgraded again on layout 2, the indexes are read from stable memory as they are, not added to a second time.
    await network.upgradeCanister({ canisterId: e.ids.marketplace, wasm: WASM.marketplace, sender: deployer });
    await network.tick();
    expect(await seen()).toEqual(before);

    // New jobs go on the consumer's page, newest first, and the running one still holds its slot.
    const after = await submitPaid(consumer, jobRequest(model));
    e.marketplace.setPrincipal(consumer);
    const page = ok(await e.marketplace.list_jobs({ offset: 0n, limit: 2 }));
    expect([page.total, ...page.jobs.map((j) => j.id)]).toEqual([4n, after.id, running.id + 1n]);
    const loads = await Promise.all([honest, second].map(async (p) => ok(await e.marketplace.get_offer(p.offer.id)).load));
    expect(loads.reduce((a, b) => a + b)).toBe(2);
    // The stranger's offer counts toward its cap and is still its own to change.
    e.marketplace.setPrincipal(stranger);
    expect(ok(await e.marketplace.pause_offer(strange.id)).status).toEqual({ paused: null });
    // The sweep found the job left running before the upgrade: past the timeout it is failed and refunded.
    await network.advanceTime(Number(DEFAULT_CONFIG.job_timeout_ns / 1_000_000n) + 60_000);
    await network.tick(3);
    e.marketplace.setPrincipal(consumer);
    expect(ok(await e.marketplace.get_job(running.id)).state).toEqual({ refunded: null });
  });
});
