// Auditors come from outside the job: an audit or a dispute re-runs a single-replica job on two nodes the bridge
// draws at random among the marketplace's eligible providers that hold no part of the job, never on its spares. Two
// spares that lie alike therefore cannot overturn an honest runner: they are never asked. With no eligible node
// outside the job, nothing is audited and a dispute stays undecided (its deposit returned). Each auditor that agreed
// is paid half the treasury's share of the job, moved from the treasury's owed balance (README, step 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { randomUser, rejection } from '../localnet/probe';
import type { Account } from '../../../canisters/ledger/types';
import { PROMPT, account, balance, FEE, ok, rankByPrice } from '../economy/suite';
import {
  altered,
  askedFor,
  deployTrust,
  DEPOSIT,
  dispute,
  finished,
  honest,
  serveNode,
  submit,
  type Trust,
  type Worker,
} from './bridge_fixture';

describe('auditors drawn from outside the job', () => {
  let t: Trust;
  let runner: Worker;
  const spares: Worker[] = [];
  const outsiders: Worker[] = [];
  const nodesOf = (workers: Worker[]) => workers.map((w) => w.node.toText()).sort();
  const treasury = async (): Promise<Account> => (await t.e.payment.get_config()).config.treasury;
  /** What payment owes the treasury and each worker's provider now. */
  const owed = async (workers: Worker[]) =>
    Promise.all([await treasury(), ...workers.map((w) => account(w.provider))].map((a) => t.e.payment.owed_of(a)));
  /** Each agreeing auditor's reward: half the treasury's 15% of the job's escrow after the sweep fee. */
  const reward = async (jobId: bigint) => (((await t.e.payment.escrow_of(jobId))[0]!.amount - FEE) * 1_500n) / 10_000n / 2n;

  beforeAll(async () => {
    t = await deployTrust();
    // The cheapest runs every single-replica job honestly; the next two are its spares and would both answer the
    // same lie (their first token changed, hashed consistently), a majority against the runner if they were asked.
    runner = await serveNode(t, honest(t), 900_000n);
    for (const price of [1_000_000n, 1_100_000n])
      spares.push(
        await serveNode(
          t,
          altered(t, (answer) => void ((answer.tokens as number[])[0] += 1)),
          price,
        ),
      );
  });
  afterAll(() => t?.close());

  it('leaves a dispute undecided, its deposit returned, while no eligible provider is outside the job', async () => {
    const { job, consumer } = await submit(t);
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    const before = await owed([runner, ...spares]);
    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided).toMatchObject({ state: { undecided: null }, auditors: [], outcome: 'only 0 auditor(s) answered: not audited' });
    expect(await owed([runner, ...spares])).toEqual(before);
    expect(decided.deposit_resolved).toBe(true);
    expect((await t.e.payment.deposit_of(job.id))[0]?.state).toEqual({ refunded: null });
    expect(askedFor([runner, ...spares], job.id).map((a) => a.node)).toEqual([runner.node.toText()]);
  });

  it('re-runs a disputed job on outside nodes only: the colluding spares are not asked and the honest runner stands', async () => {
    for (const price of [1_200_000n, 1_300_000n]) outsiders.push(await serveNode(t, honest(t), price));
    const stake = (await t.e.identity.get_stake(runner.provider)).bonded;
    const { job, consumer } = await submit(t);
    expect((await finished(t, consumer, job.id)).offers).toHaveLength(3);

    const [treasuryBefore, ...auditorsBefore] = await owed(outsiders);
    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided.state).toEqual({ rejected: null });
    expect(decided.outcome).toBe('all agreed');
    expect(decided.auditors.map((n) => n.toText()).sort()).toEqual(nodesOf(outsiders));
    // The spares never saw the job; each auditor was named the body it was posted while it ran it.
    expect(askedFor(spares, job.id)).toEqual([]);
    expect(askedFor(outsiders, job.id)).toEqual(outsiders.map((w) => ({ node: w.node.toText(), assigned: true })));
    expect((await t.e.identity.get_stake(runner.provider)).bonded).toBe(stake);
    expect((await t.e.payment.deposit_of(job.id))[0]?.state).toEqual({ settled: null });
    // Both auditors agreed: each is paid the reward from the treasury, which also got the forfeited deposit.
    const each = await reward(job.id);
    expect(each).toBeGreaterThan(0n);
    const [treasuryAfter, ...auditorsAfter] = await owed(outsiders);
    expect(auditorsAfter.map((after, i) => after - auditorsBefore[i])).toEqual([each, each]);
    expect(treasuryAfter - treasuryBefore).toBe(DEPOSIT - FEE - 2n * each);
    // The bridge alone may ask: payment's inspect_message refuses the call by ingress, whoever signs it.
    t.e.payment.setPrincipal(outsiders[0].provider);
    await expect(t.e.payment.pay_auditors(job.id, [account(outsiders[0].provider)])).rejects.toThrow(/rejected the message/);
  });

  it('audits at the audit rate on outside nodes too', async () => {
    t.e.bridge!.setPrincipal(t.e.deployer);
    ok(await t.e.bridge!.set_audit_rate(10_000));
    try {
      const before = await owed(outsiders);
      const { job, consumer } = await submit(t);
      await finished(t, consumer, job.id);
      for (let i = 0; i < 50 && (await t.e.bridge!.audit_of(job.id)).length === 0; i++) await t.network.tick();
      const [audit] = await t.e.bridge!.audit_of(job.id);
      expect(audit?.outcome).toBe('all agreed');
      expect(audit?.auditors.map((n) => n.toText()).sort()).toEqual(nodesOf(outsiders));
      expect(askedFor(spares, job.id)).toEqual([]);
      const each = await reward(job.id);
      // The treasury gained its share of the job and paid both auditors' rewards out of it.
      const after = await owed(outsiders);
      expect(after.slice(1).map((a, i) => a - before[i + 1])).toEqual([each, each]);
      expect(after[0] - before[0]).toBeGreaterThanOrEqual(0n);
    } finally {
      ok(await t.e.bridge!.set_audit_rate(0));
    }
  });

  it('settles a redundancy-2 split on an outside auditor, not the colluding spare: the honest runner paid, the auditor rewarded, the liar slashed', async () => {
    // By price: the honest runner and the first lying spare run the job, the second lying spare and the first
    // outsider are its spares; the second outsider alone is outside the job. Asked, the lying spare would outvote
    // the honest runner.
    await rankByPrice(t.e);
    const [liar, colluder] = spares;
    const auditor = outsiders[1];
    const everyone = [runner, liar, colluder, ...outsiders];
    const bonded = (await t.e.identity.get_stake(liar.provider)).bonded;
    const runnerStake = (await t.e.identity.get_stake(runner.provider)).bonded;
    const [treasuryBefore, ...before] = await owed(everyone);
    const { job, consumer } = await submit(t, { redundancy: 2 });
    const minted = 50_000_000n;

    const done = await finished(t, consumer, job.id);
    expect(done.state).toEqual({ settled: null });
    expect(
      askedFor(everyone, job.id)
        .map((a) => a.node)
        .sort(),
    ).toEqual(nodesOf([runner, liar, auditor]));
    expect(askedFor([auditor], job.id)).toEqual([{ node: auditor.node.toText(), assigned: true }]);
    const [verdict] = await t.e.verification!.verdict_of(job.id);
    expect(verdict?.dissenting.map((p) => p.toText())).toEqual([liar.node.toText()]);
    expect(verdict?.agreeing.map((p) => p.toText()).sort()).toEqual(nodesOf([runner, auditor]));
    // The liar is slashed as a failed audit's dissenter; the honest runner keeps its stake.
    expect((await t.e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    expect((await t.e.identity.get_stake(runner.provider)).bonded).toBe(runnerStake);
    t.e.bridge!.setPrincipal(consumer);
    const output = ok(await t.e.bridge!.get_output(job.id));
    expect(output.node.toText()).toBe(runner.node.toText());
    expect(Array.from(output.tokens)).toEqual((await t.generator.generate(PROMPT, 32)).tokens);

    // The consumer paid the job's price once (and the approve's and the escrow's fees): nothing refunded.
    expect(await balance(t.e, consumer)).toBe(minted - job.price - 2n * FEE);
    // Of the escrow after the sweep fee, the runner alone is paid the providers' 80% and the model's creator its
    // 5%; the treasury keeps the rest less the auditor's reward (half its 15%); the liar, the colluder and the
    // unasked spare get nothing.
    const distributable = job.price - FEE;
    const paid = (distributable * 8_000n) / 10_000n;
    const each = await reward(job.id);
    expect(each).toBeGreaterThan(0n);
    const [treasuryAfter, ...after] = await owed(everyone);
    expect(after.map((a, i) => a - before[i])).toEqual([paid, 0n, 0n, 0n, each]);
    expect(treasuryAfter - treasuryBefore).toBe(distributable - paid - (distributable * 500n) / 10_000n - each);
  });

  it('names auditor candidates to the bridge only: ingress to it is refused before induction', async () => {
    t.e.marketplace.setPrincipal(randomUser());
    expect(await rejection(t.e.marketplace.audit_candidates(0n, 16))).toMatchObject({ code: 4, errorCode: 'IC0406' });
  });
});
