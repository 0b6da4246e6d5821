// certified_data_set and data_certificate: a query sees a certificate signed by the network's
// root key, which the stock @dfinity/agent verifies, holding the canister's certified data.
import { Certificate, LookupPathStatus, lookupResultToBuffer } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { decode, type Probe, rejection, setupProbe } from './probe.js';

describe('certified data', () => {
  let network: LocalNetwork;
  let probe: Probe;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    probe = await setupProbe(network);
  });
  afterAll(() => network.stop());

  it('appears in the data certificate of a query, verified by the agent against the root key', async () => {
    const data = new Uint8Array(32).fill(7);
    await probe.actor.certify(data);

    const [bytes] = await probe.actor.certificate();
    expect(bytes).toBeDefined();
    const certificate = await Certificate.create({
      certificate: Uint8Array.from(bytes!),
      rootKey: network.certifier.derPublicKey,
      canisterId: probe.canisterId,
    });
    const found = certificate.lookup_path(['canister', probe.canisterId.toUint8Array(), 'certified_data']);
    expect(found.status).toBe(LookupPathStatus.Found);
    expect(lookupResultToBuffer(found)).toEqual(data);
  });

  it('is rejected by the agent under another root key', async () => {
    const [bytes] = await probe.actor.certificate();
    const other = (await LocalNetwork.create()).certifier.derPublicKey;
    await expect(
      Certificate.create({ certificate: Uint8Array.from(bytes!), rootKey: other, canisterId: probe.canisterId }),
    ).rejects.toThrow(/signature/i);
  });

  it('is absent when the query runs replicated, as an update', async () => {
    const reply = await network.updateCall({ canisterId: probe.canisterId, method: 'certificate' });
    expect(decode([IDL.Opt(IDL.Vec(IDL.Nat8))], reply)).toEqual([[]]);
  });

  it('is limited to 32 bytes: more traps and changes nothing', async () => {
    const refused = await rejection(probe.actor.certify(new Uint8Array(33)));
    expect(refused.code).toBe(5);
    expect(refused.message).toContain('32 bytes');
    const [bytes] = await probe.actor.certificate();
    const certificate = await Certificate.create({
      certificate: Uint8Array.from(bytes!),
      rootKey: network.certifier.derPublicKey,
      canisterId: probe.canisterId,
    });
    const found = certificate.lookup_path(['canister', probe.canisterId.toUint8Array(), 'certified_data']);
    expect(lookupResultToBuffer(found)).toEqual(new Uint8Array(32).fill(7));
  });
});
