// run_job needs the bridge to run the job inside the call: a marketplace deployed without one (the economy alone)
// refuses it with NotConfigured before any money moves, while submit_job still takes the job (the admin reports outcomes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';
import { FEE, approve, balance, deployEconomy, errName, jobRequest, mint, ok, onboardProvider, publishModel, type Economy } from './suite';

describe('run_job without a bridge', () => {
  let network: LocalNetwork;
  let e: Economy;
  let model: bigint;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployEconomy(network, randomUser());
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500)).id;
    await onboardProvider(e, [model]);
  });
  afterAll(() => network?.stop());

  it('is refused with NotConfigured, nothing escrowed, while submit_job still takes the job', async () => {
    const consumer = randomUser();
    await mint(e, consumer, 50_000_000n);
    e.marketplace.setPrincipal(consumer);
    const quote = ok(await e.marketplace.quote(jobRequest(model)));
    await approve(e, consumer, e.ids.payment, quote.total + FEE);
    const held = await balance(e, consumer);

    e.marketplace.setPrincipal(consumer);
    expect(errName(await e.marketplace.run_job(jobRequest(model)))).toBe('NotConfigured');
    expect(await balance(e, consumer)).toBe(held);
    expect(ok(await e.marketplace.list_jobs({ offset: 0n, limit: 1 })).total).toBe(0n);

    // The same request and allowance are good: submit_job escrows them.
    expect(ok(await e.marketplace.submit_job(jobRequest(model))).state).toEqual({ matched: null });
    expect(held - (await balance(e, consumer))).toBe(quote.total + FEE);
  });
});
