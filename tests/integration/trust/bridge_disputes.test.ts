// The disputes a provider's page lists (disputes_against): the disputes of jobs its nodes ran, newest first, and
// none of another provider's, even one whose node audited them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomUser } from '../localnet/probe';
import { STAKE, WASM, ok, rankByPrice } from '../economy/suite';
import { altered, deployTrust, dispute, finished, honest, serveNode, submit, type Trust, type Worker } from './bridge_fixture';

describe('disputes against a provider', () => {
  let t: Trust;
  let liar: Worker;
  const honestWorkers: Worker[] = [];
  // The liar is slashed 10% by the first upheld dispute and must still be matched after, to run the second disputed job: with the bare minimum (STAKE)
  // the first slash would put it below identity's min_stake.
  const LIAR_STAKE = 2n * STAKE;

  beforeAll(async () => {
    t = await deployTrust();
    // The liar stays the cheapest, so it runs every single-replica job, after its slashes lowered its reputation too.
    await rankByPrice(t.e);
    // The cheapest runs every single-replica job: it changes the first token and hashes its output consistently.
    liar = await serveNode(
      t,
      altered(t, (answer) => void ((answer.tokens as number[])[0] += 1)),
      900_000n,
      LIAR_STAKE,
    );
    // The liar's spares, then two outside its jobs: the auditors.
    for (const price of [1_000_000n, 1_100_000n, 1_200_000n, 1_300_000n]) honestWorkers.push(await serveNode(t, honest(t), price));
  });
  afterAll(() => t?.close());

  it('lists the disputes of jobs the provider’s nodes ran, newest first, and nobody else’s', async () => {
    expect(await t.e.bridge!.disputes_against(liar.provider)).toEqual([]);
    const jobIds: bigint[] = [];
    for (let i = 0; i < 2; i++) {
      const { job, consumer } = await submit(t);
      await finished(t, consumer, job.id);
      ok(await dispute(t, consumer, job.id));
      jobIds.push(job.id);
    }
    const listed = await t.e.bridge!.disputes_against(liar.provider);
    expect(listed.map((d) => d.job_id)).toEqual([...jobIds].reverse());
    expect(listed.map((d) => Object.keys(d.state)[0])).toEqual(['upheld', 'upheld']);
    // The honest providers audited those jobs but ran none of them; a stranger has nothing.
    for (const w of honestWorkers) expect(await t.e.bridge!.disputes_against(w.provider)).toEqual([]);
    expect(await t.e.bridge!.disputes_against(randomUser())).toEqual([]);

    // The list is in stable memory: an upgrade keeps it.
    await t.network.upgradeCanister({ canisterId: t.e.ids.bridge, wasm: WASM.bridge, sender: t.e.deployer });
    expect((await t.e.bridge!.disputes_against(liar.provider)).map((d) => d.job_id)).toEqual([...jobIds].reverse());
  });
});
