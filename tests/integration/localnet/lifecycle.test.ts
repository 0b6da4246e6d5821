// The canister lifecycle through the management canister: upgrade (stable memory kept, heap reset),
// stop and start, delete, and the status a controller reads.
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { PROBE_WASM, type Probe, rejection, setupProbe } from './probe.js';

let network: LocalNetwork;

beforeAll(async () => {
  network = await LocalNetwork.create();
});

afterAll(async () => {
  await network?.stop();
});

describe('an upgrade', () => {
  let probe: Probe;
  let versionBefore: bigint;

  beforeAll(async () => {
    probe = await setupProbe(network);
    await probe.actor.put('survives', 'the upgrade');
    await probe.actor.increment();
    await probe.actor.increment();
    await probe.actor.increment();
    versionBefore = await probe.actor.version();
    await network.upgradeCanister({ canisterId: probe.canisterId, wasm: PROBE_WASM });
  });

  it('keeps what is in stable memory', async () => {
    expect(await probe.actor.lookup('survives')).toEqual(['the upgrade']);
    expect(await probe.actor.size()).toBe(1n);
  });

  it('resets the heap', async () => {
    expect(await probe.actor.get()).toBe(0n);
  });

  it('runs pre_upgrade on the old code (which saw the heap) and post_upgrade on the new', async () => {
    expect(await probe.actor.counter_at_upgrade()).toEqual([3n]);
    expect(await probe.actor.upgrades()).toBe(1n);
  });

  it('increases the canister version', async () => {
    expect(await probe.actor.version()).toBeGreaterThan(versionBefore);
  });

  it('leaves a canister that takes new updates, and can be repeated', async () => {
    expect(await probe.actor.increment()).toBe(1n);
    await probe.actor.put('after', 'first upgrade');
    await network.upgradeCanister({ canisterId: probe.canisterId, wasm: PROBE_WASM });
    expect(await probe.actor.upgrades()).toBe(2n);
    expect(await probe.actor.counter_at_upgrade()).toEqual([1n]);
    expect(await probe.actor.lookup('survives')).toEqual(['the upgrade']);
    expect(await probe.actor.lookup('after')).toEqual(['first upgrade']);
    expect(await probe.actor.get()).toBe(0n);
  });

  it('is refused for a canister with no code', async () => {
    const empty = await network.createCanister();
    const reject = await rejection(network.upgradeCanister({ canisterId: empty, wasm: PROBE_WASM }));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0537');
  });
});

describe('a reinstall', () => {
  it('wipes stable memory and the heap alike', async () => {
    const probe = await setupProbe(network);
    await probe.actor.put('gone', 'after reinstall');
    await probe.actor.increment();
    await network.reinstallCode({ canisterId: probe.canisterId, wasm: PROBE_WASM });
    expect(await probe.actor.lookup('gone')).toEqual([]);
    expect(await probe.actor.size()).toBe(0n);
    expect(await probe.actor.get()).toBe(0n);
    expect(await probe.actor.upgrades()).toBe(0n);
  });

  it('is what a second install must use: install on a non-empty canister is refused', async () => {
    const probe = await setupProbe(network);
    await probe.actor.put('kept', 'yes');
    const reject = await rejection(network.installCode({ canisterId: probe.canisterId, wasm: PROBE_WASM }));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0538');
    expect(await probe.actor.lookup('kept')).toEqual(['yes']);
  });
});

describe('stopping and starting', () => {
  let probe: Probe;

  beforeAll(async () => {
    probe = await setupProbe(network);
    await probe.actor.increment();
  });

  it('reports a running canister as running, with the hash of its module', async () => {
    const status = await network.canisterStatus(probe.canisterId);
    expect(status.status).toEqual({ running: null });
    const hash = sha256(new Uint8Array(await readFile(PROBE_WASM)));
    expect(status.module_hash.length).toBe(1);
    expect(Buffer.from(status.module_hash[0]!).toString('hex')).toBe(Buffer.from(hash).toString('hex'));
  });

  it('rejects updates and queries to a stopped canister with IC0508', async () => {
    await network.stopCanister(probe.canisterId);
    expect((await network.canisterStatus(probe.canisterId)).status).toEqual({ stopped: null });

    const update = await rejection(probe.actor.increment());
    expect(update.code).toBe(5);
    expect(update.errorCode).toBe('IC0508');
    expect(update.message).toContain(probe.canisterId.toText());

    const query = await rejection(probe.actor.get());
    expect(query.code).toBe(5);
    expect(query.errorCode).toBe('IC0508');
  });

  it('rejects calls from other canisters to a stopped canister', async () => {
    const caller = await setupProbe(network);
    const result = await caller.actor.call_raw(probe.canisterId, 'increment', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
    expect('Err' in result && result.Err.code).toBe(5);
    expect((result as { Err: { message: string } }).Err.message).toContain('stopped');
  });

  it('accepts a second stop of a stopped canister', async () => {
    await network.stopCanister(probe.canisterId);
    expect((await network.canisterStatus(probe.canisterId)).status).toEqual({ stopped: null });
  });

  it('works again after start, with its state intact', async () => {
    await network.startCanister(probe.canisterId);
    expect((await network.canisterStatus(probe.canisterId)).status).toEqual({ running: null });
    expect(await probe.actor.get()).toBe(1n);
    expect(await probe.actor.increment()).toBe(2n);
  });
});

describe('stopping a canister that awaits a call', () => {
  it('stays stopping, refusing new calls (IC0509), until the call returns, then stops', async () => {
    const probe = await setupProbe(network);
    // A server that answers only when told to, so the canister's outcall stays open meanwhile.
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = createServer((_, response) => {
      arrived();
      void released.then(() => response.end('finally'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
      const fetching = probe.actor.fetch(url, false, [1000n]);
      await requestArrived;

      let stopped = false;
      const stopping = network.stopCanister(probe.canisterId).then(() => (stopped = true));
      expect((await network.canisterStatus(probe.canisterId)).status).toEqual({ stopping: null });
      const reject = await rejection(probe.actor.increment());
      expect(reject).toMatchObject({ code: 5, errorCode: 'IC0509' });
      expect(stopped).toBe(false);

      release();
      expect(await fetching).toEqual({ Ok: { status: 200n, body: 'finally' } });
      await stopping;
      expect((await network.canisterStatus(probe.canisterId)).status).toEqual({ stopped: null });

      await network.startCanister(probe.canisterId);
      expect(await probe.actor.increment()).toBe(1n);
    } finally {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('deleting', () => {
  it('requires the canister to be stopped first (IC0510)', async () => {
    const probe = await setupProbe(network);
    const reject = await rejection(network.deleteCanister(probe.canisterId));
    expect(reject.code).toBe(5);
    expect(reject.errorCode).toBe('IC0510');
    expect(await probe.actor.increment()).toBe(1n);
  });

  it('removes a stopped canister: later calls find no canister (IC0301)', async () => {
    const probe = await setupProbe(network);
    await network.stopCanister(probe.canisterId);
    await network.deleteCanister(probe.canisterId);

    const update = await rejection(probe.actor.increment());
    expect(update.code).toBe(3);
    expect(update.errorCode).toBe('IC0301');
    const query = await rejection(probe.actor.get());
    expect(query.code).toBe(3);
    expect(query.errorCode).toBe('IC0301');
    const status = await rejection(network.canisterStatus(probe.canisterId));
    expect(status.code).toBe(3);
    expect(status.errorCode).toBe('IC0301');
  });

  it('never reuses the id of a deleted canister', async () => {
    const first = await setupProbe(network);
    await network.stopCanister(first.canisterId);
    await network.deleteCanister(first.canisterId);
    const next = await network.createCanister();
    expect(next.toText()).not.toBe(first.canisterId.toText());
  });
});
