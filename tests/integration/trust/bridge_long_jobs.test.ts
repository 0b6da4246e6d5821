// Long jobs are verified too (issue 13, item 4): a result a worker posts with submit_result settles like a short
// job's, so a lie in it is caught by a dispute or a random audit, and an answer with more tokens than the job's
// max_tokens is refused whichever way it comes (posted, or answered in the outcall). A dispute or an audit
// re-runs a long job on its auditors the way the job ran: they acknowledge it and post their answers with
// submit_result (an outcall would outlast its limit on mainnet), the dispute staying open until they are in, across
// an upgrade of the bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { STAKE, WASM, errName, ok, rankByPrice } from '../economy/suite';
import type { BridgeService } from '../../../src/sdk/bridge';
import type { JobBody } from '../../../src/worker/server';
import {
  alter,
  askedFor,
  deployTrust,
  dispute,
  finished,
  honest,
  honestAnswer,
  scripted,
  serveNode,
  submit,
  type Handler,
  type Trust,
  type Worker,
} from './bridge_fixture';

describe('long jobs verified like short ones', () => {
  let t: Trust;
  let liar: Worker;
  let script: ReturnType<typeof scripted>;
  const honestWorkers: Worker[] = [];
  // Providers outside every job here (the three above are a single-replica job's runner and spares): its auditors.
  const auditors: Worker[] = [];
  const MAX = LONG_JOB_TOKENS + 16;
  // The liar is slashed 10% twice (a dispute, an audit) and must still be matched after, to run the later jobs: with the bare minimum (STAKE)
  // the first slash would put it below identity's min_stake.
  const LIAR_STAKE = 2n * STAKE;

  beforeAll(async () => {
    t = await deployTrust();
    // The liar stays the cheapest, so it runs every single-replica job, after its slashes lowered its reputation too.
    await rankByPrice(t.e);
    script = scripted(t);
    // The cheapest: every single-replica job goes to it first.
    liar = await serveNode(t, script.handler, 900_000n, LIAR_STAKE);
    for (const price of [1_000_000n, 1_100_000n]) honestWorkers.push(await serveNode(t, honest(t), price));
    for (const price of [1_200_000n, 1_300_000n]) auditors.push(await serveNode(t, holding(honest(t)), price));
  });

  // While `hold` is on, an auditor acknowledges a long job and keeps it for the test to post its honest answer;
  // otherwise it is the real worker, which posts its answer itself once it ran.
  // Every replica of an outcall posts: one body is kept per auditor (its node's bridge actor).
  let hold = false;
  const held = new Map<BridgeService, JobBody>();
  function holding(real: Handler): Handler {
    return async (body, bridge) => {
      if (!hold || body.mode !== 'async') return real(body, bridge);
      held.set(bridge, body);
      return { status: 200, body: JSON.stringify({ job_id: body.job_id, status: 'accepted' }) };
    };
  }
  afterAll(() => t?.close());

  /** Submits a long job and waits until the liar holds it: it acknowledged, and the bridge awaits its result. */
  async function longJob() {
    const submitted = await submit(t, { max_tokens: MAX });
    for (let i = 0; i < 50 && !script.held.has(submitted.job.id); i++) await t.network.tick();
    // The tick after the worker saw the body completes the outcall.
    await t.network.tick(2);
    expect(await liar.bridge.job_assignment(submitted.job.id)).not.toEqual([]);
    return { ...submitted, answer: await honestAnswer(t, script.held.get(submitted.job.id)!) };
  }

  it('refuses a posted result with more tokens than max_tokens, and upholds a dispute of a posted lie once the auditors posted their answers, across an upgrade', async () => {
    const { job, consumer, answer } = await longJob();
    // No tokens is an answer (the model may end at once, or a stop string may begin its text); more than paid for is not.
    const refused = await liar.bridge.submit_result(
      job.id,
      alter(answer, (a) => void (a.tokens = Array(MAX + 1).fill(1))),
    );
    expect(errName(refused)).toBe('InvalidInput');
    ok(
      await liar.bridge.submit_result(
        job.id,
        alter(answer, (a) => void ((a.tokens as number[])[0] += 1)),
      ),
    );
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });

    const bonded = (await t.e.identity.get_stake(liar.provider)).bonded;
    hold = true;
    try {
      // Handed to both auditors as a long job (job_assignment named them the async body), the dispute stays open.
      expect(ok(await dispute(t, consumer, job.id)).state).toEqual({ open: null });
      expect([...held.values()].map((body) => [body.job_id, body.mode])).toEqual([
        [`${job.id}`, 'async'],
        [`${job.id}`, 'async'],
      ]);
      expect(askedFor(auditors, job.id)).toEqual(auditors.map((w) => ({ node: w.node.toText(), assigned: true })));
      // Consumer's second try and the liar's post: the re-run is the auditors' alone.
      expect(errName(await dispute(t, consumer, job.id))).toBe('NotDisputable');
      expect(errName(await liar.bridge.submit_result(job.id, answer))).toBe('Unauthorized');

      // Upgraded while the auditors run the job: the re-run is in stable memory.
      await t.network.upgradeCanister({ canisterId: t.e.ids.bridge, wasm: WASM.bridge, sender: t.e.deployer });
      const [first, second] = held;
      ok(await first[0].submit_result(job.id, await honestAnswer(t, first[1])));
      expect((await t.e.bridge!.dispute_of(job.id))[0]?.state).toEqual({ open: null });
      ok(await second[0].submit_result(job.id, await honestAnswer(t, second[1])));
    } finally {
      hold = false;
      held.clear();
    }
    const [decided] = await t.e.bridge!.dispute_of(job.id);
    expect(decided).toMatchObject({ state: { upheld: null }, outcome: `disagreed: ${liar.node.toText()}`, deposit_resolved: true });
    expect(decided?.auditors.map((n) => n.toText()).sort()).toEqual(auditors.map((w) => w.node.toText()).sort());
    expect((await t.e.payment.deposit_of(job.id))[0]?.state).toEqual({ refunded: null });
    expect((await t.e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    t.e.bridge!.setPrincipal(consumer);
    const output = ok(await t.e.bridge!.get_output(job.id));
    expect(Array.from(output.tokens)).toEqual(JSON.parse(new TextDecoder().decode(answer)).tokens);
  });

  it('audits a posted result at the audit rate and slashes the liar', async () => {
    t.e.bridge!.setPrincipal(t.e.deployer);
    ok(await t.e.bridge!.set_audit_rate(10_000));
    try {
      const { job, consumer, answer } = await longJob();
      const bonded = (await t.e.identity.get_stake(liar.provider)).bonded;
      ok(
        await liar.bridge.submit_result(
          job.id,
          alter(answer, (a) => void ((a.tokens as number[])[0] += 1)),
        ),
      );
      await finished(t, consumer, job.id);
      // The auditors are real workers here: each acknowledges the long job, runs it and posts its answer itself.
      for (let i = 0; i < 300 && (await t.e.bridge!.audit_of(job.id)).length === 0; i++) {
        await t.network.tick();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await t.e.bridge!.audit_of(job.id))[0]?.outcome).toBe(`disagreed: ${liar.node.toText()}`);
      expect((await t.e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    } finally {
      t.e.bridge!.setPrincipal(t.e.deployer);
      ok(await t.e.bridge!.set_audit_rate(0));
    }
  });

  it('refuses a short job’s answer with more tokens than max_tokens in the outcall: the next node runs it', async () => {
    script.short = async (body) => alter(await honestAnswer(t, body), (a) => void (a.tokens = Array(33).fill(1)));
    try {
      const { job, consumer } = await submit(t, { max_tokens: 32 });
      expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
      // The liar was asked first and refused; an honest node's answer is what the consumer reads.
      expect(liar.posts.some((p) => p.jobId === job.id)).toBe(true);
      t.e.bridge!.setPrincipal(consumer);
      const output = ok(await t.e.bridge!.get_output(job.id));
      expect(honestWorkers.map((w) => w.node.toText())).toContain(output.node.toText());
      expect(output.tokens.length).toBeGreaterThan(0);
    } finally {
      script.short = (body) => honestAnswer(t, body);
    }
  });
});
