// Three providers with a worker each serving the tiny llama, one of them lying: what the verification, dispute and
// analytics tests share. The liar is the cheapest, so it is always among the nodes a job is given to. Auditors:
// two more, outside single-replica jobs.
import type { Principal } from '@dfinity/principal';
import type { Server } from 'node:http';

import type { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { onboardProvider, serveWorker, type Economy } from './deploy';

export type Worker = { node: Principal; provider: Principal; server: Server; liar: boolean };

/** A worker that changes every token and hashes its altered output consistently (only a comparison catches it), while `lies()`. */
export function lying(real: TextGenerator, lies: () => boolean = () => true): TextGenerator {
  return {
    runtime: real.runtime,
    generate: async (...args: Parameters<TextGenerator['generate']>) => {
      const generation = await real.generate(...args);
      return lies() ? { ...generation, tokens: generation.tokens.map((t) => (t + 1) % 300) } : generation;
    },
  } as TextGenerator;
}

export async function serveThreeWorkers(
  e: Economy,
  model: bigint,
  sha: Buffer,
  generator: TextGenerator,
  lies?: () => boolean,
  /** Each provider's stake (onboardProvider's STAKE, the minimum, unless given): more where the liar is slashed more than once. */
  stake?: bigint,
): Promise<Worker[]> {
  const workers: Worker[] = [];
  for (const [price, liar] of [
    [900_000n, true],
    [1_000_000n, false],
    [1_100_000n, false],
  ] as const)
    workers.push(await serveOne(e, model, sha, liar ? lying(generator, lies) : generator, price, liar, stake));
  return workers;
}

/**
 * Two honest workers dearer than the three: a single-replica job's runner and spares are the three, so these are
 * outside it, the nodes its audits and disputes re-run it on.
 */
export async function serveAuditors(e: Economy, model: bigint, sha: Buffer, generator: TextGenerator): Promise<Worker[]> {
  return [await serveOne(e, model, sha, generator, 1_200_000n, false), await serveOne(e, model, sha, generator, 1_300_000n, false)];
}

async function serveOne(
  e: Economy,
  model: bigint,
  sha: Buffer,
  generator: TextGenerator,
  price: bigint,
  liar: boolean,
  stake?: bigint,
): Promise<Worker> {
  const { provider, node } = await onboardProvider(e, [model], { price: { unit: { per_request: null }, amount: price } }, { stake });
  const { server } = await serveWorker(e, node, new JobRunner({ text: { sha256: sha.toString('hex'), generator } }));
  return { node, provider, server, liar };
}
