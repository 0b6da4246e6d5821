// The worker protocol's check that a job came from the bridge: job_assignment names the sha256 of the very body the
// bridge posts, to the node it posts it to, only while that node holds the job (the dispatch, a long job's wait
// for its result, an audit's or a dispute's re-run), and nothing to anyone else.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LONG_JOB_TOKENS } from '../../../canisters/shared/job_limits';
import { idlFactory as bridgeIdl, type BridgeService } from '../../../src/sdk/bridge';
import type { JobBody } from '../../../src/worker/server';
import { randomUser } from '../localnet/probe';
import { ok } from '../economy/suite';
import {
  askedFor,
  deployTrust,
  dispute,
  finished,
  honest,
  honestAnswer,
  serveNode,
  submit,
  type Trust,
  type Worker,
} from './bridge_fixture';

describe('job_assignment: which node holds which job right now', () => {
  let t: Trust;
  const workers: Worker[] = [];
  // Outside every single-replica job here (the three workers are its runner and spares): its auditors.
  const auditors: Worker[] = [];
  const stranger = () => {
    const actor = t.network.createActor<BridgeService>(bridgeIdl, t.e.ids.bridge);
    actor.setPrincipal(randomUser());
    return actor;
  };

  beforeAll(async () => {
    t = await deployTrust();
    for (const price of [900_000n, 1_000_000n, 1_100_000n]) workers.push(await serveNode(t, honest(t), price));
    for (const price of [1_200_000n, 1_300_000n]) auditors.push(await serveNode(t, honest(t), price));
  });
  afterAll(() => t?.close());

  // The runner and the two auditors were asked, each named the body it was posted; the spares were not asked.
  const reRun = () => [workers[0], ...auditors];
  const allAssigned = () => reRun().map((w) => ({ node: w.node.toText(), assigned: true }));

  it('names the posted body to the node being asked, and nothing once the job is done', async () => {
    const { job, consumer } = await submit(t);
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    expect(askedFor(workers, job.id)).toEqual([{ node: workers[0].node.toText(), assigned: true }]);
    expect(await workers[0].bridge.job_assignment(job.id)).toEqual([]);
    expect(await stranger().job_assignment(job.id)).toEqual([]);
  });

  it('names the job to the auditors while an audit re-runs it', async () => {
    t.e.bridge!.setPrincipal(t.e.deployer);
    ok(await t.e.bridge!.set_audit_rate(10_000));
    try {
      const { job, consumer } = await submit(t);
      await finished(t, consumer, job.id);
      for (let i = 0; i < 50 && (await t.e.bridge!.audit_of(job.id)).length === 0; i++) await t.network.tick();
      expect((await t.e.bridge!.audit_of(job.id))[0]?.auditors).toHaveLength(2);
      expect(askedFor([...workers, ...auditors], job.id)).toEqual(allAssigned());
      for (const w of reRun()) expect(await w.bridge.job_assignment(job.id)).toEqual([]);
    } finally {
      ok(await t.e.bridge!.set_audit_rate(0));
    }
  });

  it('names the job to the auditors while a dispute re-runs it', async () => {
    const { job, consumer } = await submit(t);
    await finished(t, consumer, job.id);
    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided.state).toEqual({ rejected: null });
    expect(askedFor([...workers, ...auditors], job.id)).toEqual(allAssigned());
  });

  it('names a long job to its worker until the result is posted, and to nobody else', async () => {
    // This worker acknowledges the job and holds it, so the test sees the wait.
    let posted: Buffer | undefined;
    const holder = await serveNode(
      t,
      async (body: JobBody) => {
        posted = Buffer.from(JSON.stringify(body));
        return { status: 200, body: JSON.stringify({ job_id: body.job_id, status: 'accepted' }) };
      },
      800_000n,
    );
    const { job, consumer } = await submit(t, { max_tokens: LONG_JOB_TOKENS + 16 });
    for (let i = 0; i < 20 && posted === undefined; i++) await t.network.tick();
    expect(askedFor([holder, ...workers], job.id)).toEqual([{ node: holder.node.toText(), assigned: true }]);
    const [held] = await holder.bridge.job_assignment(job.id);
    expect(Buffer.from(held!)).toEqual(createHash('sha256').update(posted!).digest());
    expect(await workers[0].bridge.job_assignment(job.id)).toEqual([]);
    expect(await stranger().job_assignment(job.id)).toEqual([]);

    ok(await holder.bridge.submit_result(job.id, await honestAnswer(t, JSON.parse(posted!.toString()) as JobBody)));
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    expect(await holder.bridge.job_assignment(job.id)).toEqual([]);
  });
});
