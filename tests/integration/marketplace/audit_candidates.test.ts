// audit_candidates on the real marketplace, called as the bridge calls it (an inter-canister call, here from a probe
// named as the bridge): each call walks the price ladder from a rung its seeded random source picks, so the auditors
// of a job are not a fixed window of the ladder. Ingress to it is refused, and another canister is unauthorized.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JobResult } from '../../../canisters/marketplace/job_types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { approve, deployEconomy, FEE, jobRequest, mint, ok, onboardProvider, publishModel, type Economy } from '../economy/suite';
import { decode, encode, randomUser, rejection, setupProbe, type Probe } from '../localnet/probe';

const Candidates = JobResult(IDL.Vec(IDL.Principal));

describe('audit candidates drawn from a random rung', () => {
  let network: LocalNetwork;
  let e: Economy;
  let bridge: Probe;
  const deployer = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, deployer);
    bridge = await setupProbe(network);
    e.marketplace.setPrincipal(deployer);
    const { peers } = await e.marketplace.settings();
    ok(await e.marketplace.set_peers({ ...peers, bridge: [bridge.canisterId] }));
  }, 300_000);
  afterAll(() => network?.stop());

  /** What the marketplace answers `caller` (a canister) asking for `count` candidates for job `id`. */
  async function candidatesFor(caller: Probe, id: bigint, count: number) {
    const reply = ok(await caller.actor.call_raw(e.ids.marketplace, 'audit_candidates', encode([IDL.Nat64, IDL.Nat32], [id, count])));
    return decode([Candidates], reply)[0] as { Ok: Principal[] } | { Err: object };
  }

  it('starts consecutive calls for the same job at different rungs, never at the job’s own provider', { timeout: 300_000 }, async () => {
    const model = (await publishModel(e, randomUser(), 'tiny-llama', 500)).id;
    // The job takes the cheapest offer and the next two as spares; six providers are left outside it.
    const providers = [];
    for (let i = 0; i < 9; i++)
      providers.push(await onboardProvider(e, [model], { price: { unit: { per_request: null }, amount: 1_000_000n + BigInt(i) } }));
    const consumer = randomUser();
    await mint(e, consumer, 100_000_000n);
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(jobRequest(model)));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    e.marketplace.setPrincipal(consumer);
    const job = ok(await e.marketplace.submit_job(jobRequest(model)));
    const inJob = new Set(job.offers);
    const outside = providers.filter((p) => !inJob.has(p.offer.id)).map((p) => p.node.toText());
    expect(outside).toHaveLength(6);

    // Starts on the job's three rungs name the fourth, so one node is first at 4/9: sixteen calls all naming it
    // happen about once in 400,000 runs with a random start, always with a fixed one.
    const firsts: string[] = [];
    for (let i = 0; i < 16; i++) {
      const nodes = ok(await candidatesFor(bridge, job.id, 1));
      expect(nodes).toHaveLength(1);
      firsts.push(nodes[0]!.toText());
    }
    expect(outside).toEqual(expect.arrayContaining(firsts));
    expect(new Set(firsts).size).toBeGreaterThanOrEqual(2);
    // Asked for all, it names every outside node once, whatever the start.
    expect(
      ok(await candidatesFor(bridge, job.id, 16))
        .map((n) => n.toText())
        .sort(),
    ).toEqual([...outside].sort());
  });

  it('answers the bridge only: another canister is unauthorized, ingress is refused before induction', async () => {
    const stranger = await setupProbe(network);
    expect(await candidatesFor(stranger, 0n, 1)).toEqual({ Err: { Unauthorized: 'only the bridge may call this' } });
    expect(await candidatesFor(bridge, 999n, 1)).toEqual({ Err: { NotFound: null } });
    e.marketplace.setPrincipal(randomUser());
    expect(await rejection(e.marketplace.audit_candidates(0n, 1))).toMatchObject({ code: 4, errorCode: 'IC0406' });
  });
});
