// The notice a consumer canister asks for on a long job, in the cases that end a job otherwise than on time: the
// only worker refuses the job, so it is refunded and the canister is told `refunded` with the reason, having lost
// only the fees; and the marketplace is upgraded while the job runs, so the notice, kept in stable memory, still
// arrives exactly once when the job settles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import type { JobBody } from '../../../src/worker/job_body';
import type { BridgeService } from '../../../src/sdk/bridge';
import { FEE, PROMPT, balance, mint, ok } from '../economy/deploy';
import { WASM } from '../economy/suite';
import { randomUser } from '../localnet/probe';
import { deployTrust, finished, honestAnswer, serveNode, type Trust } from '../trust/bridge_fixture';
import { installConsumer, noticed } from './consumer_fixture';

describe('a consumer canister’s notice when its long job ends otherwise than on time', () => {
  let t: Trust;
  const owner = randomUser();
  // What the only worker does with a long job: refuse it, or acknowledge it and hold it for the test to post.
  let mode: 'refuse' | 'hold' = 'refuse';
  const held = new Map<bigint, { body: JobBody; bridge: BridgeService }>();

  beforeAll(async () => {
    t = await deployTrust();
    await serveNode(t, async (body, bridge) => {
      if (mode === 'refuse') return { status: 503, body: JSON.stringify({ error: 'no GPU memory left' }) };
      held.set(BigInt(body.job_id), { body, bridge });
      return { status: 200, body: JSON.stringify({ job_id: body.job_id, status: 'accepted' }) };
    });
  });
  afterAll(() => t?.close());

  async function fundedConsumer() {
    const installed = await installConsumer(t, owner);
    await mint(t.e, installed.id, 50_000_000n);
    installed.consumer.setPrincipal(owner);
    return installed;
  }

  it('tells the canister its job was refunded, with the reason, once; the canister lost only the fees', async () => {
    mode = 'refuse';
    const { id, consumer } = await fundedConsumer();
    const job_id = ok(await consumer.ask_long(PROMPT, t.model, LONG_JOB_TOKENS));
    const job = await finished(t, t.e.deployer, job_id);
    expect(job.state).toEqual({ refunded: null });

    const ends = await noticed(t, consumer);
    expect(ends).toHaveLength(1);
    expect(ends[0].job_id).toBe(job_id);
    expect('refunded' in ends[0].outcome && ends[0].outcome.refunded).toBe(job.failure[0]);
    expect(job.failure[0]).toMatch(/503|no GPU memory left/);
    // The approve and the escrow's transfer_from each cost a fee, and the refund's transfer one more: the price is back.
    expect(50_000_000n - (await balance(t.e, id))).toBe(3n * FEE);
  });

  it('keeps the notice through an upgrade of the marketplace and sends it once when the job settles', async () => {
    mode = 'hold';
    const { id, consumer } = await fundedConsumer();
    const job_id = ok(await consumer.ask_long(PROMPT, t.model, LONG_JOB_TOKENS));
    for (let i = 0; i < 50 && !held.has(job_id); i++) await t.network.tick();
    const running = held.get(job_id);
    expect(running).toBeDefined();

    await t.network.upgradeCanister({ canisterId: t.e.ids.marketplace, wasm: WASM.marketplace, sender: t.e.deployer });
    await t.network.tick(5);
    expect(await consumer.job_ends()).toEqual([]);

    ok(await running!.bridge.submit_result(job_id, await honestAnswer(t, running!.body)));
    const job = await finished(t, t.e.deployer, job_id);
    expect(job.state).toEqual({ settled: null });
    expect(await noticed(t, consumer)).toEqual([{ job_id, outcome: { settled: null } }]);
    expect(50_000_000n - (await balance(t.e, id))).toBe(job.price + 2n * FEE);
  });
});
