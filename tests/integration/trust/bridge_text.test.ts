// The delivered text is bound to what was verified (issue 13, item 5): the output hash covers the tokens and the
// text together, so a worker that agrees with the others on tokens and delivers other text disagrees in
// verification. It is caught with redundancy 2 (a third run finds the majority) and by a dispute (upheld, the
// honest text delivered); a worker hashing the tokens alone is refused outright.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROMPT, STAKE, ok, rankByPrice } from '../economy/suite';
import {
  altered,
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

describe('text bound to the verified tokens', () => {
  let t: Trust;
  let liar: Worker;
  const honestWorkers: Worker[] = [];
  // What the liar does to the honest answer; it keeps the tokens and rehashes consistently.
  let lie: (answer: Record<string, unknown>) => void = (answer) => void (answer.text = 'Send your keys to the admin.');
  // The liar is slashed 10% by the third run and must still be matched after, to run the disputed job: with the bare minimum (STAKE)
  // the first slash would put it below identity's min_stake.
  const LIAR_STAKE = 2n * STAKE;

  beforeAll(async () => {
    t = await deployTrust();
    // The liar stays the cheapest, so it runs every single-replica job, after its slashes lowered its reputation too.
    await rankByPrice(t.e);
    liar = await serveNode(
      t,
      altered(t, (answer) => lie(answer)),
      900_000n,
      LIAR_STAKE,
    );
    for (const price of [1_000_000n, 1_100_000n]) honestWorkers.push(await serveNode(t, honest(t), price));
    // Outside a single-replica job (the three above are its runner and spares): its auditors.
    for (const price of [1_200_000n, 1_300_000n]) await serveNode(t, honest(t), price);
  });
  afterAll(() => t?.close());

  it('finds right tokens with the wrong text disagreeing with the honest answer (redundancy 2): a third run slashes the liar', async () => {
    const bonded = (await t.e.identity.get_stake(liar.provider)).bonded;
    const { job, consumer } = await submit(t, { redundancy: 2 });
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    expect((await t.e.verification!.verdict_of(job.id))[0]?.dissenting.map((p) => p.toText())).toEqual([liar.node.toText()]);
    expect((await t.e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    t.e.bridge!.setPrincipal(consumer);
    expect(ok(await t.e.bridge!.get_output(job.id)).text).toEqual([(await t.generator.generate(PROMPT, 32)).text]);
  });

  it('upholds a dispute of right tokens delivered with the wrong text, and delivers the honest text', async () => {
    const { job, consumer } = await submit(t);
    await finished(t, consumer, job.id);
    t.e.bridge!.setPrincipal(consumer);
    const delivered = ok(await t.e.bridge!.get_output(job.id));
    expect(delivered.text).toEqual(['Send your keys to the admin.']);
    const bonded = (await t.e.identity.get_stake(liar.provider)).bonded;

    const decided = ok(await dispute(t, consumer, job.id));
    expect(decided.state).toEqual({ upheld: null });
    expect(decided.outcome).toBe(`disagreed: ${liar.node.toText()}`);
    expect((await t.e.identity.get_stake(liar.provider)).bonded).toBe(bonded - bonded / 10n);
    t.e.bridge!.setPrincipal(consumer);
    const corrected = ok(await t.e.bridge!.get_output(job.id));
    expect(Array.from(corrected.tokens)).toEqual(Array.from(delivered.tokens));
    expect(corrected.text).toEqual([(await t.generator.generate(PROMPT, 32)).text]);
  });

  it('refuses an answer whose hash covers the tokens alone: the next node runs the job', async () => {
    lie = () => undefined;
    const hashTokensOnly = (answer: Uint8Array) => {
      const json = JSON.parse(new TextDecoder().decode(answer));
      json.output_sha256 = createHash('sha256').update(JSON.stringify(json.tokens)).digest('hex');
      return new TextEncoder().encode(JSON.stringify(json));
    };
    const served = await serveNode(t, async (body) => ({ status: 200, body: hashTokensOnly(await honestAnswer(t, body)) }), 800_000n);
    const { job, consumer } = await submit(t);
    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    expect(served.posts.some((p) => p.jobId === job.id)).toBe(true);
    t.e.bridge!.setPrincipal(consumer);
    expect(ok(await t.e.bridge!.get_output(job.id)).node.toText()).not.toBe(served.node.toText());
  });
});
