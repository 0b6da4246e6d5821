// Junk as a hostile stranger makes it for free, and what it costs the honest path (issue 13, "Measured"). On the
// economy, the bridge and verification (tests/integration/trust/bridge_fixture.ts), with one certified and staked
// provider whose worker runs the tiny llama: the instructions of quote, submit_job, create_offer, a probe round and
// the marketplace's and the bridge's upgrades, once on the clean market and once after `size` junk providers each
// registered (a standing), claimed a node that never answers and gave it an endpoint (a node), offered it cheaper
// than the honest provider without being certified or staked (an offer) and submitted a job it never paid for (a
// job, rejected at the escrow). One node, offer and job per principal, so every per-provider cap holds, as an
// attacker would have to. bench/junk.ts prints the rows; tests/integration/trust/junk_small.test.ts checks them.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import type { OfferTerms } from '../canisters/marketplace/offer_types';
import { JobRequest as JobRequestIdl } from '../canisters/marketplace/job_types';
import { PROBE_INTERVAL_S } from '../canisters/bridge/probes';
import { deployTrust, finished, nodeAnswers, submit, type Trust } from '../tests/integration/trust/bridge_fixture';
import { WASM, jobRequest, ok, onboardProvider, serveWorker, type CanisterName } from '../tests/integration/economy/deploy';
import { JobRunner } from '../src/worker/server';
import { principal } from './market_fixture';
import { queryInstructions } from './report';

/** Each row's budget: junk may cost at most this many times the clean baseline. */
export const BUDGET_RATIO = 2;

export type JunkRow = { measure: string; baseline: bigint; junk: bigint; ratio: number; within: boolean };
export type JunkReport = { size: number; rows: JunkRow[]; loadSeconds: number; settled: boolean[] };

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'junk' };
const OFFER: Omit<OfferTerms, 'nodes' | 'models'> = {
  hardware: { gpu_model: 'RTX 4090', vram_gib: 24, compute_capability_x10: 89, cpu_cores: 16, ram_gib: 64 },
  region: 'eu-west',
  price: { unit: { per_request: null }, amount: 1_000_000n },
  reservation_price_per_slot_hour: 3_000_000n,
  capacity: 100,
  sla: { p95_latency_ms: 2_000, uptime_bps: 9_900, late_refund_bps: 0 },
};

const sum = (t: Trust, names: CanisterName[]) =>
  names.reduce((total, name) => total + t.network.getCounters(t.e.ids[name]).instructions, 0n);

/** The instructions `names` execute while `run` runs (getCounters deltas). */
async function instructionsOf(t: Trust, names: CanisterName[], run: () => Promise<unknown>): Promise<bigint> {
  const before = sum(t, names);
  await run();
  return sum(t, names) - before;
}

/** Ticks until nothing more executes (pushes, retries, outcalls in flight), at most `max` times. */
async function quiet(t: Trust, max = 50): Promise<void> {
  const names = Object.keys(t.e.ids) as CanisterName[];
  for (let i = 0, last = -1n; i < max; i++) {
    await t.network.tick();
    const now = sum(t, names);
    if (now === last) return;
    last = now;
  }
}

/** One pass of every measure on the market as it stands; `settled` says whether the honest job settled. */
async function measure(t: Trust, provider: Principal, node: Principal): Promise<{ figures: Record<string, bigint>; settled: boolean }> {
  const { e, network } = t;
  const newOffer = async () => {
    e.marketplace.setPrincipal(provider);
    return ok(await e.marketplace.create_offer({ ...OFFER, nodes: [node], models: [t.model] })).id;
  };
  const retire = async (offer: bigint) => {
    e.marketplace.setPrincipal(provider);
    ok(await e.marketplace.retire_offer(offer));
  };
  // Unmeasured first: what the first calls after an install or upgrade pay once is paid here.
  const warm = await submit(t, { max_tokens: 32 });
  await finished(t, warm.consumer, warm.job.id);
  await retire(await newOffer());
  await quiet(t);
  const figures: Record<string, bigint> = {};
  const request = jobRequest(t.model, { max_tokens: 32 });
  figures['quote (query)'] = queryInstructions(
    network,
    e.ids.marketplace,
    'quote',
    new Uint8Array(IDL.encode([JobRequestIdl], [request])),
    provider,
  );
  // The honest job from submit_job until it is settled, in the marketplace (match, escrow, hand-over, settlement).
  let settled = false;
  figures['submit_job → settled (marketplace)'] = await instructionsOf(t, ['marketplace'], async () => {
    const { job, consumer } = await submit(t, { max_tokens: 32 });
    settled = 'settled' in (await finished(t, consumer, job.id)).state;
  });
  let offer = 0n;
  figures['create_offer (marketplace)'] = await instructionsOf(t, ['marketplace'], async () => {
    offer = await newOffer();
  });
  await retire(offer);
  await quiet(t);
  // One housekeeping round of the bridge (probes every endpoint) and whatever it sets off in identity and the
  // marketplace (reputation penalties, standing pushes).
  figures['probe round (bridge + identity + marketplace)'] = await instructionsOf(t, ['bridge', 'identity', 'marketplace'], async () => {
    await network.advanceTime(PROBE_INTERVAL_S * 1_000 + 1_000);
    await quiet(t, 10_000);
  });
  for (const name of ['marketplace', 'bridge'] as const) {
    figures[`upgrade (${name})`] = await instructionsOf(t, [name], () =>
      network.upgradeCanister({ canisterId: e.ids[name], wasm: WASM[name], sender: e.deployer }),
    );
  }
  await quiet(t);
  return { figures, settled };
}

/** `size` junk providers, `batch` at a time, each within every per-provider cap (one node, one offer, one job). */
async function growJunk(t: Trust, size: number, batch: number, log: (line: string) => void): Promise<void> {
  const { e } = t;
  const start = performance.now();
  // A junk node's URL proves the node to the bridge (GET /node) and answers 404 to anything else, so it is as dead
  // to a probe as an address nothing listens on.
  const endpoints = await nodeAnswers(t);
  for (let from = 0; from < size; from += batch) {
    const ids = Array.from({ length: Math.min(batch, size - from) }, (_, k) => from + k);
    const providers = ids.map((i) => principal(2_000_000 + i));
    const nodes = ids.map((i) => principal(3_000_000 + i));
    // The actor records the sender at call time: set the principal, then send.
    const all = <T>(call: (k: number) => Promise<T>) => Promise.all(ids.map((_, k) => call(k)));
    await all((k) => {
      e.identity.setPrincipal(providers[k]);
      return e.identity
        .register({ roles: [{ provider: null }], profile: [{ name: 'junk', region: 'eu-west', contact: 'j@x.test' }] })
        .then(ok);
    });
    const codes = await all((k) => {
      e.identity.setPrincipal(nodes[k]);
      return e.identity.register_node(HARDWARE).then((r) => ok(r).code);
    });
    await all((k) => {
      e.identity.setPrincipal(providers[k]);
      return e.identity.claim_node(codes[k]).then(ok);
    });
    await all((k) => {
      e.bridge!.setPrincipal(nodes[k]);
      return e.bridge!.register_endpoint(endpoints.at(`junk-${ids[k]}`, nodes[k])).then(ok);
    });
    await all((k) => {
      e.marketplace.setPrincipal(providers[k]);
      return e.marketplace
        .create_offer({ ...OFFER, nodes: [nodes[k]], models: [t.model], price: { unit: { per_request: null }, amount: 20_000n } })
        .then(ok);
    });
    // Submitted without an allowance: matched to the honest offer, then rejected at the escrow (or refused).
    await all((k) => {
      e.marketplace.setPrincipal(providers[k]);
      return e.marketplace.submit_job(jobRequest(t.model, { max_tokens: 32 })).then((r) => {
        if ('Ok' in r) throw new Error('a junk job without an allowance was accepted');
      });
    });
    const done = from + ids.length;
    if (done % Math.max(batch, Math.floor(size / 10)) < batch || done === size)
      log(`  junk: ${done} / ${size} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  }
}

/** The clean baseline, then `size` junk providers, then the same measures again, on one network. */
export async function runJunkBench(size: number, options: { batch?: number; log?: (line: string) => void } = {}): Promise<JunkReport> {
  const log = options.log ?? (() => {});
  const t = await deployTrust();
  try {
    const { e } = t;
    const honest = await onboardProvider(e, [t.model], { capacity: OFFER.capacity });
    const runner = new JobRunner({ text: { sha256: t.sha.toString('hex'), generator: t.generator } });
    t.servers.push((await serveWorker(e, honest.node, runner)).server);

    const baseline = await measure(t, honest.provider, honest.node);
    log(`baseline measured; growing ${size} junk providers`);
    const t0 = performance.now();
    await growJunk(t, size, options.batch ?? 50, log);
    await quiet(t, 1_000);
    const loadSeconds = (performance.now() - t0) / 1000;
    const junk = await measure(t, honest.provider, honest.node);
    const rows = Object.keys(baseline.figures).map((name): JunkRow => {
      const [b, j] = [baseline.figures[name], junk.figures[name]];
      const ratio = Number(j) / Number(b);
      return { measure: name, baseline: b, junk: j, ratio, within: ratio <= BUDGET_RATIO };
    });
    return { size, rows, loadSeconds, settled: [baseline.settled, junk.settled] };
  } finally {
    await t.close();
  }
}
