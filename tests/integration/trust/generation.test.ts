// A job's generation settings on the real marketplace, bridge and verification (issue 14): a sampled chat job run
// by two workers settles with both agreeing and both paid, because the job's seed travels to every replica; the
// output is what the model writes for those settings, with the prompt's token count for usage. Settings on a model
// that generates no text are refused before any money moves.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ChatMessage, Generation } from '../../../canisters/shared/generation';
import { randomUser } from '../localnet/probe';
import { FEE, account, approve, balance, errName, jobRequest, mint, ok, publishEmbeddingModel, rankByPrice } from '../economy/suite';
import { askedFor, deployTrust, finished, honest, serveNode, submit, type Trust, type Worker } from './bridge_fixture';

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Why is the sky blue?' },
];
const SAMPLED: Generation = { temperature: 0.8, top_p: 0.95, seed: 42, stop: [], chat: true };

/** A job request's fields for carrying `input` itself: its size and hash to match. */
function carrying(input: string) {
  const bytes = Buffer.from(input, 'utf8');
  return { input: [input] as [string], input_bytes: BigInt(bytes.length), input_hash: createHash('sha256').update(bytes).digest() };
}

describe('generation settings from the job request to the workers', () => {
  let t: Trust;
  const workers: Worker[] = [];

  beforeAll(async () => {
    t = await deployTrust();
    await rankByPrice(t.e);
    for (const price of [1_000_000n, 1_100_000n]) workers.push(await serveNode(t, honest(t), price));
  });
  afterAll(() => t?.close());

  it('settles a sampled chat job at redundancy 2: both replicas draw the same tokens from the seed, and both are paid', async () => {
    const owed = () => Promise.all(workers.map((w) => t.e.payment.owed_of(account(w.provider))));
    const owedBefore = await owed();
    const { job, consumer } = await submit(t, { redundancy: 2, ...carrying(JSON.stringify(MESSAGES)), generation: [SAMPLED] });
    expect(job.request.generation).toEqual([SAMPLED]);

    expect((await finished(t, consumer, job.id)).state).toEqual({ settled: null });
    expect(askedFor(workers, job.id).map((a) => a.node)).toEqual(workers.map((w) => w.node.toText()));
    expect((await t.e.verification!.verdict_of(job.id))[0]?.dissenting).toEqual([]);
    const owedAfter = await owed();
    owedAfter.forEach((after, i) => expect(after).toBeGreaterThan(owedBefore[i]));

    // The output is the model's for these messages and settings, through its chat template; not the greedy text.
    const direct = await t.generator.generate(MESSAGES, 32, { temperature: 0.8, top_k: 0, top_p: 0.95, seed: 42 });
    t.e.bridge!.setPrincipal(consumer);
    const output = ok(await t.e.bridge!.get_output(job.id));
    expect(Array.from(output.tokens)).toEqual(direct.tokens);
    expect(output.text).toEqual([direct.text]);
    expect(output.prompt_tokens).toEqual([direct.prompt_tokens]);
  });

  it('refuses generation settings on an embedding model’s job before anything is escrowed', async () => {
    const embedding = (await publishEmbeddingModel(t.e, createHash('sha256').update('use-lite').digest())).id;
    const consumer = randomUser();
    await mint(t.e, consumer, 50_000_000n);
    await approve(t.e, consumer, t.e.ids.payment, 10_000_000n + FEE);
    const held = await balance(t.e, consumer);
    const request = jobRequest(embedding, { generation: [{ ...SAMPLED, chat: false }] });

    t.e.marketplace.setPrincipal(consumer);
    for (const reply of [await t.e.marketplace.submit_job(request), await t.e.marketplace.run_job(request)]) {
      expect(errName(reply)).toBe('InvalidInput');
      expect((reply as { Err: { InvalidInput: string } }).Err.InvalidInput).toBe(
        'generation: embedding models generate no text, so they take no generation settings',
      );
    }
    expect(await balance(t.e, consumer)).toBe(held);
    expect(ok(await t.e.marketplace.list_jobs({ offset: 0n, limit: 1 })).total).toBe(0n);
  });
});
