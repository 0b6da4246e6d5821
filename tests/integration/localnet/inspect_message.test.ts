// canister_inspect_message: an ingress update the canister does not accept is refused before it
// enters the network (nothing runs, nothing is charged); calls from canisters are never inspected.
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { decode, encode, type Probe, rejection, setupProbes } from './probe.js';

describe('canister_inspect_message', () => {
  let network: LocalNetwork;
  let probe: Probe;
  let caller: Probe;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    [probe, caller] = await setupProbes(network, 2);
  });
  afterAll(() => network.stop());

  it('refuses an ingress update it does not accept with CANISTER_REJECT (4), IC0406, charging nothing', async () => {
    const balance = await network.getCyclesBalance(probe.canisterId);
    const messages = network.getCounters(probe.canisterId).messages;
    const refused = await rejection(probe.actor.guarded('guess'));
    expect(refused).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(refused.message).toContain('rejected the message');
    expect(await network.getCyclesBalance(probe.canisterId)).toBe(balance);
    expect(network.getCounters(probe.canisterId).messages).toBe(messages);
  });

  it('lets through what it accepts', async () => {
    expect(await probe.actor.guarded('let me in')).toBe('passed: let me in');
  });

  it('does not inspect calls from other canisters', async () => {
    const result = await caller.actor.call_raw(probe.canisterId, 'guarded', encode([IDL.Text], ['guess']));
    expect('Ok' in result).toBe(true);
    expect(decode([IDL.Text], (result as { Ok: Uint8Array }).Ok)).toEqual(['passed: guess']);
  });
});
