// uninstall_code while a call is outstanding: the waiting caller is rejected at once, and the late
// response runs no code of the removed module (spec: uninstall_code), even after a new install.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork, MANAGEMENT_CANISTER } from '../../../src/localnet/index.js';
import { CanisterIdRecord } from '../../../src/localnet/management/types.js';
import { encode, PROBE_WASM, type Probe, rejection, setupProbe } from './probe.js';

describe('uninstalling a canister with a call in flight', () => {
  let network: LocalNetwork;
  let server: Server;
  let url: string;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    network = await LocalNetwork.create({ subnetSize: 1 });
    // Holds every request until the test releases it, so the canister's outcall stays outstanding.
    server = createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await network.stop();
  });

  it('rejects the waiting caller with CANISTER_REJECT and drops the late response', async () => {
    const probe: Probe = await setupProbe(network);
    const pending = rejection(probe.actor.fetch(url, false, []));
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    await network.updateCall({
      canisterId: MANAGEMENT_CANISTER,
      method: 'uninstall_code',
      arg: encode([CanisterIdRecord], [{ canister_id: probe.canisterId }]),
    });
    const refused = await pending;
    expect(refused.code).toBe(4);
    expect(refused.message).toContain('has been uninstalled');

    // A new module is installed before the old call's response arrives; the response must not run in it.
    await network.installCode({ canisterId: probe.canisterId, wasm: PROBE_WASM });
    const balance = await network.getCyclesBalance(probe.canisterId);
    held.shift()!.end('late');
    await network.tick();
    expect(await probe.actor.increment()).toBe(1n);
    expect(await probe.actor.get()).toBe(1n);
    expect(network.canisterLogs(probe.canisterId).join('\n')).not.toMatch(/fatal|panic/i);
    // The unused outcall cycles and the reply reservation of the dropped call still come back.
    expect(await network.getCyclesBalance(probe.canisterId)).toBeGreaterThan(balance);
  });
});
